using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline;

/// <summary>Stage 1's text work: normalization and splitting into streaming chunks.</summary>
public interface ITextFrontend
{
    /// <summary>Normalized chunks of <paramref name="text"/>, first one short; empty when there is nothing to say.</summary>
    IReadOnlyList<TextChunk> Prepare(string text);
}
