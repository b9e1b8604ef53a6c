namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// A session's resolved Kokoro voice: the style table (a blend is computed once here, 510 rows, not per chunk), the
/// language to phonemize in, and the speed. Immutable; its table never leaves this type.
/// </summary>
internal sealed class KokoroStyle : VoiceConditioning
{
    private readonly KokoroBlend _blend;
    private readonly float[]? _table;

    public KokoroStyle(VoiceProfile profile, KokoroBlend blend, string language, bool precompute)
        : base(KokoroEngine.EngineName, profile.Voice, profile.Speed)
    {
        _blend = blend;
        Language = language;
        if (precompute && !blend.IsSingleVoice)
        {
            _table = new float[KokoroVoicePack.Rows * KokoroVoicePack.StyleSize];
            for (var row = 0; row < KokoroVoicePack.Rows; row++)
            {
                blend.BlendRow(row, _table.AsSpan(row * KokoroVoicePack.StyleSize, KokoroVoicePack.StyleSize));
            }
        }
    }

    public string Language { get; }

    /// <summary>Copies the style for a chunk of <paramref name="phonemeTokens"/> tokens into <paramref name="destination"/> (256 floats).</summary>
    public void CopyStyle(int phonemeTokens, Span<float> destination)
    {
        // hexgrad's reference indexes the pack by len(phonemes) - 1 (pipeline.py); kokoro.js uses len, a row later.
        var row = Math.Clamp(phonemeTokens - 1, 0, KokoroVoicePack.Rows - 1);
        if (_table is not null)
        {
            _table.AsSpan(row * KokoroVoicePack.StyleSize, KokoroVoicePack.StyleSize).CopyTo(destination);
            return;
        }

        _blend.BlendRow(row, destination);
    }
}
