using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Tests.Frontend;

public sealed class EspeakPhonemizerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Hello_phonemizes_to_ipa()
    {
        var phonemizer = new EspeakPhonemizer();

        var ipa = await phonemizer.PhonemizeAsync("hello", "en-us", CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Contains('h', ipa);
        Assert.True(ipa.Contains('ə') || ipa.Contains('l'), ipa);
        Assert.Contains('ˈ', ipa); // IPA stress mark, not Kirshenbaum's apostrophe
    }

    [Fact]
    public async Task Punctuation_and_clause_boundaries_are_kept()
    {
        var phonemizer = new EspeakPhonemizer();

        var ipa = await phonemizer.PhonemizeAsync("Hello, world! How are you?", "en-us", CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Matches(@"^\S+, \S+! .+\?$", ipa);
        Assert.Equal(2, ipa.Count(c => c is ',' or '!') );
    }

    [Fact]
    public async Task Voice_language_changes_the_phonemes()
    {
        var phonemizer = new EspeakPhonemizer();

        var english = await phonemizer.PhonemizeAsync("Berlin", "en-us", CancellationToken.None).AsTask().WaitAsync(Timeout);
        var german = await phonemizer.PhonemizeAsync("Berlin", "de", CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.NotEqual(english, german);
    }

    [Fact]
    public async Task Empty_text_gives_empty_phonemes()
    {
        var phonemizer = new EspeakPhonemizer();

        var ipa = await phonemizer.PhonemizeAsync("   ", "en-us", CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(string.Empty, ipa);
    }

    [Fact]
    public async Task Unknown_voice_gives_argument_exception_naming_the_voice()
    {
        var phonemizer = new EspeakPhonemizer();

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => phonemizer.PhonemizeAsync("hello", "zz-nope", CancellationToken.None).AsTask().WaitAsync(Timeout));

        Assert.Contains("zz-nope", error.Message, StringComparison.Ordinal);
    }
}
