using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Pipeline.Stages;

/// <summary>Stage 1's text work for every engine: normalize (numbers, dates, money...) then split into streaming chunks.</summary>
public sealed class NormalizingTextFrontend(string language) : ITextFrontend
{
    public IReadOnlyList<TextChunk> Prepare(string text) => TextChunker.Split(TextNormalizer.Normalize(text, language));
}
