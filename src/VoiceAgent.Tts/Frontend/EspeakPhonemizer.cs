using System.Text;
using VoiceAgent.Tts.Native;

namespace VoiceAgent.Tts.Frontend;

/// <summary>
/// Text to IPA phonemes through espeak-ng, for the engines that take phonemes (Piper, Kokoro). espeak-ng 1.51
/// drops punctuation and clause boundaries from espeak_TextToPhonemes, and those models need them for prosody, so
/// the text is split into clauses here, each clause is phonemized, and its punctuation is put back after it.
/// </summary>
public sealed class EspeakPhonemizer
{
    private readonly EspeakLibrary _library;
    private readonly string? _dataPath;

    /// <param name="dataPath">espeak-ng-data directory, or null to let the library find it.</param>
    public EspeakPhonemizer(string? dataPath = null)
        : this(EspeakLibrary.Shared, dataPath)
    {
    }

    internal EspeakPhonemizer(EspeakLibrary library, string? dataPath)
    {
        _library = library;
        _dataPath = dataPath;
    }

    /// <summary>Initializes espeak-ng if nothing has yet (idempotent, shared with <see cref="Engines.Espeak.EspeakEngine"/>).</summary>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken) =>
        await _library.InitializeAsync(_dataPath, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Phonemizes <paramref name="text"/> with the language of <paramref name="voice"/> (an espeak-ng voice name such
    /// as en-us). Returns IPA with words separated by spaces and the clause punctuation (, ; : . ! ?) kept, e.g.
    /// "həlˈoʊ, wˈɜːld!". Empty text gives an empty string.
    /// </summary>
    /// <exception cref="ArgumentException">The voice is not known to espeak-ng.</exception>
    public async ValueTask<string> PhonemizeAsync(string text, string voice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clauses = ClauseSplitter.Split(text);
        if (clauses.Count == 0)
        {
            return string.Empty;
        }

        await _library.InitializeAsync(_dataPath, cancellationToken).ConfigureAwait(false);
        var ipa = await _library.ToIpaAsync(ClauseTexts(clauses), voice, cancellationToken).ConfigureAwait(false);
        return Join(clauses, ipa);
    }

    /// <summary>
    /// Synchronous <see cref="PhonemizeAsync"/> for stage 1 of the phoneme-driven engines (<c>ITtsEngine.Tokenize</c>
    /// is synchronous). Call <see cref="InitializeAsync"/> first.
    /// </summary>
    /// <exception cref="ArgumentException">The voice is not known to espeak-ng.</exception>
    /// <exception cref="ObjectDisposedException">espeak-ng was not initialized or has been terminated.</exception>
    public string Phonemize(string text, string voice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clauses = ClauseSplitter.Split(text);
        if (clauses.Count == 0)
        {
            return string.Empty;
        }

        return Join(clauses, _library.ToIpa(ClauseTexts(clauses), voice, cancellationToken));
    }

    private static string[] ClauseTexts(IReadOnlyList<Clause> clauses)
    {
        var texts = new string[clauses.Count];
        for (var i = 0; i < clauses.Count; i++)
        {
            texts[i] = clauses[i].Text;
        }

        return texts;
    }

    private static string Join(IReadOnlyList<Clause> clauses, string[] ipa)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (ipa[i].Length == 0 && clauses[i].Punctuation.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(ipa[i]).Append(clauses[i].Punctuation);
        }

        return builder.ToString();
    }
}
