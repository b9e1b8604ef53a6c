using VoiceAgent.Tts.Frontend;
using VoiceAgent.Tts.Native;

namespace VoiceAgent.Tts.Engines.Espeak;

/// <summary>
/// Replaces espeak-ng's own pause after a chunk with one we choose. libespeak-ng 1.51 lets earlier syntheses (in
/// other sessions' voices, or an aborted one) change the length of the final pause by up to ~30 ms while the speech
/// itself stays the same, so the trailing silence is trimmed and a pause that depends only on this chunk's final
/// punctuation and rate is appended. The lengths are espeak-ng's own at its normal rate (measured on 1.51).
/// </summary>
internal static class EspeakChunkPause
{
    private const int SentencePauseMs = 300;
    private const int ExclamationPauseMs = 340;
    private const int SemicolonPauseMs = 260;
    private const int CommaPauseMs = 190;

    /// <summary>
    /// A chunk cut mid-sentence (the short first chunk, or a long sentence split at ~30 words) ends
    /// on a plain word: the next chunk continues the sentence, so no pause may be heard at the seam.
    /// </summary>
    private const int MidSentencePauseMs = 0;

    /// <summary>Returns <paramref name="samples"/> without trailing zeros, followed by the chunk's pause.</summary>
    public static short[] ReplaceTrailingPause(short[] samples, string text, int rate, int sampleRate)
    {
        var speech = samples.AsSpan().TrimEnd((short)0);
        if (speech.IsEmpty)
        {
            return [];
        }

        var pauseSamples = (int)((long)PauseMs(text) * sampleRate * EspeakLibrary.NormalRate / rate / 1000);
        var result = new short[speech.Length + pauseSamples];
        speech.CopyTo(result);
        return result;
    }

    internal static int PauseMs(string text)
    {
        var trimmed = text.AsSpan().TrimEnd();
        trimmed = trimmed.TrimEnd("\"')]»”’");
        if (trimmed.IsEmpty)
        {
            return SentencePauseMs;
        }

        return trimmed[^1] switch
        {
            ',' => CommaPauseMs,
            ';' or ':' => SemicolonPauseMs,
            '!' => ExclamationPauseMs,
            _ when ClauseSplitter.IsSentencePunctuation(trimmed[^1]) => SentencePauseMs,
            _ => MidSentencePauseMs,
        };
    }
}
