namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// espeak-ng IPA to Kokoro input_ids: per-character vocab lookup, unknown characters dropped, at most
/// <see cref="MaxPhonemeTokens"/> tokens, wrapped in the pad id 0 at both ends (MODEL_FORMATS.md 2.2).
/// </summary>
internal static class KokoroTokenizer
{
    /// <summary>The model's context is 512 positions, two of which are the pads.</summary>
    public const int MaxPhonemeTokens = 510;

    public const long PadId = 0;

    /// <summary>
    /// Builds input_ids. <paramref name="phonemeTokens"/> is the count before truncation (the caller warns when it is
    /// over the limit); the result holds at most <see cref="MaxPhonemeTokens"/> + 2 ids.
    /// </summary>
    public static long[] ToInputIds(string phonemes, KokoroVocab vocab, out int phonemeTokens)
    {
        var ids = new List<long>(Math.Min(phonemes.Length, MaxPhonemeTokens) + 2) { PadId };
        phonemeTokens = 0;
        foreach (var symbol in phonemes)
        {
            if (!vocab.TryGetId(Normalize(symbol), out var id))
            {
                continue;
            }

            phonemeTokens++;
            if (phonemeTokens <= MaxPhonemeTokens)
            {
                ids.Add(id);
            }
        }

        ids.Add(PadId);
        return ids.ToArray();
    }

    /// <summary>espeak-ng symbols Kokoro spells differently (kokoro.js phonemize.js): ʲ→j, r→ɹ, x→k, ɬ→l.</summary>
    private static char Normalize(char symbol) => symbol switch
    {
        'ʲ' => 'j',
        'r' => 'ɹ',
        'x' => 'k',
        'ɬ' => 'l',
        _ => symbol,
    };
}
