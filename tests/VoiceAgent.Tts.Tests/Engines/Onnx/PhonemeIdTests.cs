using System.Text.Json;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Kokoro;
using VoiceAgent.Tts.Engines.Piper;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

/// <summary>Ids checked against the reference maps (piper_default_phoneme_id_map.json, kokoro_vocab.json of MODEL_FORMATS.md).</summary>
public sealed class PhonemeIdTests
{
    private static readonly PiperPhonemeIdMap PiperDefault = LoadPiperDefault();

    [Fact]
    public void Piper_wraps_phonemes_in_bos_and_eos_with_pad_after_each_as_piper_phonemize_does()
    {
        // MODEL_FORMATS.md 1.3: "a" -> [1,0,14,0,2].
        Assert.Equal([1, 0, 14, 0, 2], PiperDefault.ToIds("a", out var skipped));
        Assert.Equal(0, skipped);
    }

    [Fact]
    public void Piper_maps_espeak_ipa_with_stress_length_space_and_punctuation()
    {
        var ids = PiperDefault.ToIds("həlˈoʊ wˈɜːld.", out _);

        // h ə l ˈ o ʊ ' ' w ˈ ɜ ː l d . from the reference map, each followed by pad 0.
        long[] phonemes = [20, 59, 24, 120, 27, 100, 3, 35, 120, 62, 122, 24, 17, 10];
        Assert.Equal([1, 0, .. phonemes.SelectMany(id => new long[] { id, 0 }), 2], ids);
    }

    [Fact]
    public void Piper_splits_nfd_codepoints_so_a_precomposed_letter_becomes_base_plus_combining_mark()
    {
        // ç has its own id (40), but Piper NFD-normalizes first: c (16) + U+0327 (140).
        Assert.Equal([1, 0, 16, 0, 140, 0, 2], PiperDefault.ToIds("ç", out _));
    }

    [Fact]
    public void Piper_skips_phonemes_missing_from_the_map_and_counts_them()
    {
        var ids = PiperDefault.ToIds("a☃a", out var skipped);

        Assert.Equal([1, 0, 14, 0, 14, 0, 2], ids);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public void Piper_phoneme_mapped_to_several_ids_emits_all_of_them()
    {
        var map = new PiperPhonemeIdMap(new Dictionary<string, long[]>
        {
            ["_"] = [0], ["^"] = [1], ["$"] = [2], ["a"] = [14, 15],
        });

        Assert.Equal([1, 0, 14, 15, 0, 2], map.ToIds("a", out _));
    }

    [Fact]
    public async Task Piper_engine_tokenizes_text_through_espeak_into_ids_of_the_voice_map()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.PiperPack);

        var tokens = engine.Tokenize(new TextChunk(4, "Hello world.", true), new VoiceProfile("piper", "en_US-fixture-low"));

        Assert.Equal(4, tokens.Index);
        Assert.True(tokens.IsLast);
        Assert.NotNull(tokens.Phonemes);
        Assert.Contains('ˈ', tokens.Phonemes);
        Assert.EndsWith(".", tokens.Phonemes, StringComparison.Ordinal);
        Assert.Equal(PiperDefault.ToIds(tokens.Phonemes, out _), tokens.TokenIds.ToArray());
    }

    [Fact]
    public void Kokoro_maps_ipa_per_character_through_its_vocab_with_pad_zero_at_both_ends()
    {
        var ids = KokoroTokenizer.ToInputIds("həlˈoʊ wˈɜːld.", KokoroVocab.Default, out var tokens);

        // kokoro_vocab.json: h50 ə83 l54 ˈ156 o57 ʊ135 space16 w65 ɜ87 ː158 d46 .4
        Assert.Equal([0, 50, 83, 54, 156, 57, 135, 16, 65, 156, 87, 158, 54, 46, 4, 0], ids);
        Assert.Equal(14, tokens);
    }

    [Fact]
    public void Kokoro_vocab_matches_the_reference_file()
    {
        var reference = JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(OnnxFixtures.Reference("kokoro_vocab.json")))!;

        Assert.Equal(114, KokoroVocab.Default.Count);
        foreach (var (symbol, id) in reference)
        {
            Assert.True(KokoroVocab.Default.TryGetId(symbol[0], out var actual), symbol);
            Assert.Equal(id, actual);
        }
    }

    [Fact]
    public void Kokoro_respells_espeak_symbols_as_kokoro_js_does_and_drops_unknown_ones()
    {
        // r -> ɹ (123), x -> k (53), ʲ -> j (52); '#' is not in the vocab.
        Assert.Equal([0, 123, 53, 52, 0], KokoroTokenizer.ToInputIds("rx#ʲ", KokoroVocab.Default, out _));
    }

    [Fact]
    public void Kokoro_truncates_to_510_phoneme_tokens_plus_the_two_pads()
    {
        var ids = KokoroTokenizer.ToInputIds(new string('a', 600), KokoroVocab.Default, out var tokens);

        Assert.Equal(600, tokens);
        Assert.Equal(512, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(0, ids[^1]);
        Assert.All(ids[1..^1], id => Assert.Equal(43, id));
    }

    [Fact]
    public async Task Kokoro_engine_phonemizes_each_voice_in_its_language()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);

        var american = engine.Tokenize(new TextChunk(0, "Tomato.", true), new VoiceProfile("kokoro", "af_alpha"));
        var british = engine.Tokenize(new TextChunk(0, "Tomato.", true), new VoiceProfile("kokoro", "bf_gamma"));

        Assert.NotEqual(american.Phonemes, british.Phonemes);
        Assert.Equal(KokoroTokenizer.ToInputIds(american.Phonemes!, KokoroVocab.Default, out _), american.TokenIds.ToArray());
    }

    [Fact]
    public async Task Text_without_speech_gives_no_ids_and_empty_audio()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);
        var voice = new VoiceProfile("kokoro", "af_alpha");

        var tokens = engine.Tokenize(new TextChunk(0, "   ", true), voice);
        var pcm = await OnnxFixtures.SynthesizeAsync(engine, "   ", voice);

        Assert.True(tokens.TokenIds.IsEmpty);
        Assert.Equal(0, pcm.Samples.Length);
        Assert.True(pcm.IsLast);
    }

    private static PiperPhonemeIdMap LoadPiperDefault()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(OnnxFixtures.Reference("piper_default_phoneme_id_map.json")));
        return PiperPhonemeIdMap.FromJson(document.RootElement);
    }
}
