using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

public sealed class NeuralSynthesisTests
{
    private const string Text = "Your appointment is confirmed for Monday.";

    [Fact]
    public async Task Piper_audio_has_256_samples_per_phoneme_id_at_the_voice_rate()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.PiperPack);
        var low = new VoiceProfile("piper", "en_US-fixture-low");
        var medium = new VoiceProfile("piper", "en_US-fixturemulti-medium:bob");

        var tokens = engine.Tokenize(new TextChunk(0, Text, true), low);
        var lowPcm = await OnnxFixtures.SynthesizeAsync(engine, Text, low);
        var mediumPcm = await OnnxFixtures.SynthesizeAsync(engine, Text, medium);

        Assert.Equal(tokens.TokenIds.Length * 256, lowPcm.Samples.Length);
        Assert.Equal(16000, lowPcm.SampleRate);
        Assert.Equal(22050, mediumPcm.SampleRate);
        Assert.True(OnnxFixtures.Rms(lowPcm.Samples.Span) > 1000, "peak-normalized fixture audio should not be quiet");
    }

    [Fact]
    public async Task Kokoro_audio_has_300_samples_per_token_including_the_pads()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);
        var voice = new VoiceProfile("kokoro", "af_alpha");

        var tokens = engine.Tokenize(new TextChunk(0, Text, true), voice);
        var pcm = await OnnxFixtures.SynthesizeAsync(engine, Text, voice);

        Assert.Equal(tokens.TokenIds.Length * 300, pcm.Samples.Length);
        Assert.Equal(24000, pcm.SampleRate);
    }

    [Theory]
    [InlineData("piper", "en_US-fixturemulti-medium:alice", "en_US-fixturemulti-medium:carol")]
    [InlineData("piper", "en_US-fixturemulti-medium", "en_US-fixturemulti-medium:1")]
    [InlineData("kokoro", "af_alpha", "am_beta")]
    [InlineData("kokoro", "af_alpha", "af_alpha:0.5,am_beta:0.5")]
    public async Task Same_request_repeats_exactly_and_other_voices_differ(string family, string voiceA, string voiceB)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var a = new VoiceProfile(family, voiceA);
        var b = new VoiceProfile(family, voiceB);

        var first = await OnnxFixtures.SynthesizeAsync(engine, Text, a);
        var again = await OnnxFixtures.SynthesizeAsync(engine, Text, a);
        var other = await OnnxFixtures.SynthesizeAsync(engine, Text, b);

        Assert.Equal(first.Samples.ToArray(), again.Samples.ToArray());
        Assert.NotEqual(first.Samples.ToArray(), other.Samples.ToArray());
    }

    [Fact]
    public async Task Piper_speaker_by_name_and_by_number_are_the_same_speaker()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.PiperPack);

        var byName = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile("piper", "en_US-fixturemulti-medium:bob"));
        var byNumber = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile("piper", "en_US-fixturemulti-medium:1"));

        Assert.Equal(byName.Samples.ToArray(), byNumber.Samples.ToArray());
    }

    [Theory]
    [InlineData("piper", "en_US-fixture-low")]
    [InlineData("kokoro", "af_alpha")]
    public async Task Speed_reaches_the_model(string family, string voice)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));

        var normal = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile(family, voice, 1.0f));
        var fast = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile(family, voice, 1.3f));

        Assert.NotEqual(normal.Samples.ToArray(), fast.Samples.ToArray());
    }

    [Theory]
    [InlineData("piper", "en_US-fixturemulti-medium:carol")]
    [InlineData("kokoro", "af_alpha:0.7,am_beta:0.3")]
    [InlineData("kokoro", "bf_gamma")]
    public async Task Resolved_profile_speaks_exactly_as_the_unresolved_one(string family, string voice)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var plain = new VoiceProfile(family, voice, 1.1f);
        var resolved = ((IVoiceCatalog)engine).Resolve(plain);

        var perRequest = await OnnxFixtures.SynthesizeAsync(engine, Text, plain);
        var perSession = await OnnxFixtures.SynthesizeAsync(engine, Text, resolved);

        Assert.NotNull(resolved.Conditioning);
        Assert.Null(plain.Conditioning);
        Assert.Equal(perRequest.Samples.ToArray(), perSession.Samples.ToArray());
    }

    [Fact]
    public async Task Resolved_profile_changed_with_a_with_expression_is_not_spoken_with_the_stale_voice()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);
        var alpha = ((IVoiceCatalog)engine).Resolve(new VoiceProfile("kokoro", "af_alpha"));
        var changed = alpha with { Voice = "am_beta" };

        var beta = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile("kokoro", "am_beta"));
        var spoken = await OnnxFixtures.SynthesizeAsync(engine, Text, changed);

        Assert.Equal(beta.Samples.ToArray(), spoken.Samples.ToArray());
    }

    [Fact]
    public async Task Equal_blend_weights_are_the_mean_of_the_packs()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);

        var weighted = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile("kokoro", "af_alpha:2,am_beta:2"));
        var plain = await OnnxFixtures.SynthesizeAsync(engine, Text, new VoiceProfile("kokoro", "af_alpha,am_beta"));

        Assert.Equal(plain.Samples.ToArray(), weighted.Samples.ToArray());
    }

    [Theory]
    [InlineData("piper", "en_US-nobody-low", "en_US-nobody-low")]
    [InlineData("piper", "en_US-fixturemulti-medium:zed", "zed")]
    [InlineData("piper", "en_US-fixturemulti-medium:4", "'4'")]
    [InlineData("kokoro", "zz_nobody", "zz_nobody")]
    [InlineData("kokoro", "af_alpha:0.5,zz_nobody:0.5", "zz_nobody")]
    [InlineData("kokoro", "af_alpha:-1", "af_alpha:-1")]
    public async Task Unknown_voice_speaker_or_bad_weight_is_an_argument_error_naming_it(string family, string voice, string named)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var profile = new VoiceProfile(family, voice);

        var tokenizeError = Assert.ThrowsAny<ArgumentException>(() => engine.Tokenize(new TextChunk(0, Text, true), profile));
        var resolveError = Assert.ThrowsAny<ArgumentException>(() => ((IVoiceCatalog)engine).Resolve(profile));

        Assert.Contains(named, tokenizeError.Message, StringComparison.Ordinal);
        Assert.Contains(named, resolveError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("piper", "en_US-fixture-low")]
    [InlineData("kokoro", "am_beta")]
    public async Task Streaming_chunks_come_out_in_order_each_as_it_would_alone(string family, string voice)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var profile = new VoiceProfile(family, voice);
        var chunks = TextChunker.Split("Hello, this is your pharmacy. Your prescription is ready for pickup at the counter. Please bring your card.");
        Assert.True(chunks.Count >= 2, $"expected several chunks, got {chunks.Count}");

        // The pipeline's order: every chunk tokenized as it arrives, generated and vocoded one by one.
        var streamed = new List<PcmChunk>();
        foreach (var chunk in chunks)
        {
            var tokens = engine.Tokenize(chunk, profile);
            var units = await engine.GenerateAsync([new GenerationRequest(tokens, profile)], CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout);
            streamed.AddRange(await engine.VocodeAsync([new VocodeRequest(units[0], profile)], CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));
        }

        Assert.Equal(Enumerable.Range(0, chunks.Count), streamed.Select(p => p.Index));
        Assert.Equal(chunks.Select(c => c.IsLast), streamed.Select(p => p.IsLast));
        for (var i = 0; i < chunks.Count; i++)
        {
            var alone = await OnnxFixtures.SynthesizeAsync(engine, chunks[i].Text, profile, chunks[i].Index, chunks[i].IsLast);
            Assert.Equal(alone.Samples.ToArray(), streamed[i].Samples.ToArray());
            Assert.True(streamed[i].Samples.Length > 0);
        }
    }

    [Theory]
    [InlineData("piper", "en_US-fixturemulti-medium:dave", "en_US-fixture-low")]
    [InlineData("kokoro", "af_alpha", "bf_gamma:0.4,am_beta:0.6")]
    public async Task A_batch_of_two_voices_keeps_order_and_each_row_its_voice(string family, string voiceA, string voiceB)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var a = new VoiceProfile(family, voiceA);
        var b = new VoiceProfile(family, voiceB);
        var rowA = engine.Tokenize(new TextChunk(3, "Three.", false), a);
        var rowB = engine.Tokenize(new TextChunk(7, "Seven is the last one.", true), b);

        var units = await engine.GenerateAsync([new GenerationRequest(rowA, a), new GenerationRequest(rowB, b)], CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout);
        var pcm = await engine.VocodeAsync([new VocodeRequest(units[0], a), new VocodeRequest(units[1], b)], CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout);

        Assert.Equal([3, 7], pcm.Select(p => p.Index));
        Assert.Equal([false, true], pcm.Select(p => p.IsLast));
        Assert.Equal((await OnnxFixtures.SynthesizeAsync(engine, "Three.", a, 3, false)).Samples.ToArray(), pcm[0].Samples.ToArray());
        Assert.Equal((await OnnxFixtures.SynthesizeAsync(engine, "Seven is the last one.", b, 7, true)).Samples.ToArray(), pcm[1].Samples.ToArray());
    }

    [Theory]
    [InlineData("piper", "en_US-fixture-low")]
    [InlineData("kokoro", "af_alpha")]
    public async Task Cancelled_generation_throws_and_the_engine_keeps_working(string family, string voice)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var profile = new VoiceProfile(family, voice);
        var tokens = engine.Tokenize(new TextChunk(0, Text, true), profile);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.GenerateAsync([new GenerationRequest(tokens, profile)], cancellation.Token).AsTask().WaitAsync(OnnxFixtures.Timeout));
        var after = await OnnxFixtures.SynthesizeAsync(engine, Text, profile);

        Assert.True(after.Samples.Length > 0);
    }
}
