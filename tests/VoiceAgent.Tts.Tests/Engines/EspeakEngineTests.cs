using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Espeak;

namespace VoiceAgent.Tts.Tests.Engines;

public sealed class EspeakEngineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Hello_world_synthesizes_non_silent_22050_hz_audio_of_plausible_duration()
    {
        var engine = await CreateEngineAsync();

        var pcm = await SynthesizeAsync(engine, "Hello world.", new VoiceProfile("espeak", "en-us"));

        Assert.Equal(22050, pcm.SampleRate);
        Assert.Equal(22050, engine.SampleRate);
        var seconds = pcm.Samples.Length / 22050.0;
        Assert.InRange(seconds, 0.5, 3.0);
        Assert.True(Rms(pcm.Samples.Span) > 500, $"RMS {Rms(pcm.Samples.Span)} looks silent");
    }

    [Fact]
    public async Task Same_text_and_voice_synthesizes_the_same_speech_twice()
    {
        var engine = await CreateEngineAsync();
        var voice = new VoiceProfile("espeak", "en-gb");

        var first = await SynthesizeAsync(engine, "Your appointment is confirmed for Monday.", voice);
        var second = await SynthesizeAsync(engine, "Your appointment is confirmed for Monday.", voice);

        SpeechComparison.AssertSameSpeech(first.Samples.ToArray(), second.Samples.ToArray(), "repeat");
    }

    [Fact]
    public async Task En_gb_resolves_by_language_and_differs_from_en_us()
    {
        var engine = await CreateEngineAsync();

        var american = await SynthesizeAsync(engine, "Your appointment is confirmed for Monday.", new VoiceProfile("espeak", "en-us"));
        var british = await SynthesizeAsync(engine, "Your appointment is confirmed for Monday.", new VoiceProfile("espeak", "en-gb"));

        SpeechComparison.AssertDifferentSpeech(american.Samples.ToArray(), british.Samples.ToArray(), "en-us vs en-gb");
    }

    [Fact]
    public async Task English_and_german_voices_produce_different_audio_for_the_same_text()
    {
        var engine = await CreateEngineAsync();

        var english = await SynthesizeAsync(engine, "Guten Morgen, Berlin.", new VoiceProfile("espeak", "en-us"));
        var german = await SynthesizeAsync(engine, "Guten Morgen, Berlin.", new VoiceProfile("espeak", "de"));

        SpeechComparison.AssertDifferentSpeech(english.Samples.ToArray(), german.Samples.ToArray(), "en-us vs de");
    }

    [Fact]
    public async Task Faster_speed_produces_shorter_audio()
    {
        var engine = await CreateEngineAsync();
        const string text = "The quick brown fox jumps over the lazy dog.";

        var normal = await SynthesizeAsync(engine, text, new VoiceProfile("espeak", "en-us", 1.0f));
        var fast = await SynthesizeAsync(engine, text, new VoiceProfile("espeak", "en-us", 1.8f));

        Assert.True(fast.Samples.Length < normal.Samples.Length * 0.8, $"fast {fast.Samples.Length} vs normal {normal.Samples.Length}");
    }

    [Fact]
    public async Task Unknown_voice_gives_argument_exception_naming_the_voice()
    {
        var engine = await CreateEngineAsync();
        var request = new GenerationRequest(Token("Hello."), new VoiceProfile("espeak", "xx-nonexistent"));

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => engine.GenerateAsync([request], CancellationToken.None).AsTask().WaitAsync(Timeout));

        Assert.Contains("xx-nonexistent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_sessions_with_different_voices_each_hear_what_they_hear_alone()
    {
        var engine = await CreateEngineAsync();
        var sessions = new (string Text, VoiceProfile Voice)[]
        {
            ("Your appointment is confirmed.", new VoiceProfile("espeak", "en-us")),
            ("Ihr Termin ist bestätigt.", new VoiceProfile("espeak", "de")),
            ("Votre rendez-vous est confirmé.", new VoiceProfile("espeak", "fr")),
            ("Your appointment is confirmed.", new VoiceProfile("espeak", "en-gb", 1.4f)),
            ("Your appointment is confirmed.", new VoiceProfile("espeak", "en-us+f3", 1.0f)),
            ("Su cita está confirmada.", new VoiceProfile("espeak", "es")),
        };
        var alone = new short[sessions.Length][];
        for (var i = 0; i < sessions.Length; i++)
        {
            alone[i] = (await SynthesizeAsync(engine, sessions[i].Text, sessions[i].Voice)).Samples.ToArray();
        }

        // Every session synthesizes its text several times from its own task while the others do the same.
        const int Rounds = 4;
        var tasks = sessions.Select(session => Task.Run(async () =>
        {
            var results = new List<short[]>();
            for (var round = 0; round < Rounds; round++)
            {
                results.Add((await SynthesizeAsync(engine, session.Text, session.Voice)).Samples.ToArray());
            }

            return results;
        })).ToArray();
        var together = await Task.WhenAll(tasks).WaitAsync(Timeout);

        // Texts are in each voice's own language: a voice that switches language mid-text changes later output by
        // up to 1% in libespeak-ng 1.51 (see EspeakLibrary), which is not what this test is about.
        for (var i = 0; i < sessions.Length; i++)
        {
            for (var round = 0; round < Rounds; round++)
            {
                SpeechComparison.AssertSameSpeech(alone[i], together[i][round], $"session {i} round {round}");
            }
        }

        // The three sessions with the same text differ from one another, so a leaked voice or rate would be caught.
        SpeechComparison.AssertDifferentSpeech(alone[0], alone[3], "en-us vs en-gb at 1.4x");
        SpeechComparison.AssertDifferentSpeech(alone[0], alone[4], "en-us vs en-us+f3");
        SpeechComparison.AssertDifferentSpeech(alone[3], alone[4], "en-gb at 1.4x vs en-us+f3");
        SpeechComparison.AssertDifferentSpeech(alone[0], alone[4], "en-us vs en-us+f3");
    }

    [Fact]
    public async Task Batch_results_keep_batch_order_and_chunk_metadata()
    {
        var engine = await CreateEngineAsync();
        var batch = new[]
        {
            new GenerationRequest(new TokenChunk(3, "Three.", null, ReadOnlyMemory<long>.Empty, false), new VoiceProfile("espeak", "en-us")),
            new GenerationRequest(new TokenChunk(7, "Seven is the last one.", null, ReadOnlyMemory<long>.Empty, true), new VoiceProfile("espeak", "de")),
        };

        var units = await engine.GenerateAsync(batch, CancellationToken.None).AsTask().WaitAsync(Timeout);
        var pcm = await engine.VocodeAsync(
            [new VocodeRequest(units[0], batch[0].Voice), new VocodeRequest(units[1], batch[1].Voice)],
            CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal([3, 7], units.Select(u => u.Index));
        Assert.Equal([false, true], units.Select(u => u.IsLast));
        Assert.Equal([3, 7], pcm.Select(p => p.Index));
        Assert.Equal([false, true], pcm.Select(p => p.IsLast));
        Assert.True(pcm[1].Samples.Length > pcm[0].Samples.Length);
        Assert.Same(units[1].Pcm, pcm[1]);
    }

    [Fact]
    public async Task Cancelled_synthesis_stops_early_and_does_not_disturb_the_next_one()
    {
        var engine = await CreateEngineAsync();
        var voice = new VoiceProfile("espeak", "en-us");
        var reference = await SynthesizeAsync(engine, "After the cancellation.", voice);
        // About ten minutes of speech: far longer to synthesize than the cancellation delay.
        var longText = string.Concat(Enumerable.Repeat("This sentence keeps the synthesizer busy for a while. ", 400));
        using var cancellation = new CancellationTokenSource();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        // Cancel from a thread of its own: a timer's callback runs on the thread pool, which a loaded
        // machine can leave waiting for longer than espeak-ng needs for the whole text (it is that fast).
        var canceller = new Thread(() =>
        {
            Thread.Sleep(30);
            cancellation.Cancel();
        }) { IsBackground = true };
        canceller.Start();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.GenerateAsync([new GenerationRequest(Token(longText), voice)], cancellation.Token).AsTask().WaitAsync(Timeout));
        var cancelledAfter = stopwatch.Elapsed;
        var after = await SynthesizeAsync(engine, "After the cancellation.", voice);

        Assert.True(cancelledAfter < TimeSpan.FromSeconds(2), $"cancellation took {cancelledAfter}");
        SpeechComparison.AssertSameSpeech(reference.Samples.ToArray(), after.Samples.ToArray(), "after cancellation");
    }

    [Fact]
    public async Task Already_cancelled_request_throws_without_synthesizing()
    {
        var engine = await CreateEngineAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.GenerateAsync([new GenerationRequest(Token("Never spoken."), new VoiceProfile("espeak", "en-us"))], cancellation.Token).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public void Tokenize_passes_text_through_without_phonemes_or_ids()
    {
        var engine = new EspeakEngine();

        var tokens = engine.Tokenize(new TextChunk(2, "Hi there.", true), new VoiceProfile("espeak", "en-us"));

        Assert.Equal(new TokenChunk(2, "Hi there.", null, ReadOnlyMemory<long>.Empty, true).Text, tokens.Text);
        Assert.Equal(2, tokens.Index);
        Assert.True(tokens.IsLast);
        Assert.Null(tokens.Phonemes);
        Assert.True(tokens.TokenIds.IsEmpty);
        Assert.Equal("espeak", engine.Name);
    }

    [Theory]
    [InlineData(1.0f, 175)]
    [InlineData(2.0f, 350)]
    [InlineData(0.1f, 80)]
    [InlineData(5.0f, 450)]
    public void Speed_maps_to_espeak_rate_in_words_per_minute(float speed, int expectedRate) =>
        Assert.Equal(expectedRate, EspeakEngine.ToRate(speed));

    internal static async Task<EspeakEngine> CreateEngineAsync()
    {
        var engine = new EspeakEngine();
        await engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        return engine;
    }

    private static async Task<PcmChunk> SynthesizeAsync(EspeakEngine engine, string text, VoiceProfile voice)
    {
        var tokens = engine.Tokenize(new TextChunk(0, text, true), voice);
        var units = await engine.GenerateAsync([new GenerationRequest(tokens, voice)], CancellationToken.None).AsTask().WaitAsync(Timeout);
        var pcm = await engine.VocodeAsync([new VocodeRequest(units[0], voice)], CancellationToken.None).AsTask().WaitAsync(Timeout);
        return pcm[0];
    }

    private static TokenChunk Token(string text) => new(0, text, null, ReadOnlyMemory<long>.Empty, true);

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }
}
