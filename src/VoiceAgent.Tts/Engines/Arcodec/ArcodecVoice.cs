namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// A session's resolved arcodec voice: its prompt tokens and text, its speaker embedding, its default seed. Immutable;
/// the arrays are copies that never leave this type except as read-only views.
/// </summary>
internal sealed class ArcodecVoice : VoiceConditioning
{
    private readonly long[] _promptTokens;
    private readonly float[] _embedding;

    public ArcodecVoice(VoiceProfile profile, IReadOnlyList<long> promptTokens, string promptText, ReadOnlySpan<float> embedding, long seed)
        : base(ArcodecEngine.EngineName, profile.Voice, profile.Speed)
    {
        _promptTokens = [.. promptTokens];
        _embedding = embedding.ToArray();
        PromptText = promptText;
        DefaultSeed = seed;
    }

    public ReadOnlySpan<long> PromptTokens => _promptTokens;

    public string PromptText { get; }

    /// <summary>Empty when the LM has no speaker_embedding input.</summary>
    public ReadOnlyMemory<float> Embedding => _embedding;

    public long DefaultSeed { get; }
}
