using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>Splits on '.' so tests control the chunks exactly.</summary>
internal sealed class SentenceTestFrontend : ITextFrontend
{
    public IReadOnlyList<TextChunk> Prepare(string text)
    {
        var parts = text.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. parts.Select((p, i) => new TextChunk(i, p, i == parts.Length - 1))];
    }
}
