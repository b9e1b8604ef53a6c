using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Tests;

public sealed class SpeechPipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static SpeechPipeline CreatePipeline(ToneTestEngine engine, PipelineOptions? options = null)
        => new(engine, new SentenceTestFrontend(), options ?? new PipelineOptions(), NullLogger<SpeechPipeline>.Instance);

    private static async Task<List<PcmChunk>> ReadAllAsync(Utterance utterance)
    {
        var chunks = new List<PcmChunk>();
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var chunk in utterance.ReadAudioAsync(cts.Token))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    [Fact]
    public async Task Chunks_come_out_in_order_and_the_last_one_ends_the_utterance()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine());
        await using var session = pipeline.CreateSession("s1", new VoiceProfile("tone", "a"));

        var utterance = session.Speak("One. Two two. Three three three. Four.");
        var chunks = await ReadAllAsync(utterance);

        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Index));
        Assert.True(chunks[^1].IsLast);
        Assert.Equal(new[] { "One", "Two two", "Three three three", "Four" }.Select(t => t.Length * 80), chunks.Select(c => c.Samples.Length));
        await utterance.Completion.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Concurrent_sessions_with_different_voices_hear_exactly_what_they_hear_alone()
    {
        // A slow generator and a batching window let rows of several sessions meet even on a loaded machine.
        var engine = new ToneTestEngine { GeneratorDelay = TimeSpan.FromMilliseconds(20) };
        await using var pipeline = CreatePipeline(engine, new PipelineOptions { MaxBatchWait = TimeSpan.FromMilliseconds(10) });
        var voices = Enumerable.Range(0, 12).Select(i => new VoiceProfile("tone", $"voice-{i}")).ToArray();
        var text = "Alpha beta. Gamma. Delta epsilon zeta.";

        var alone = new List<short[]>();
        foreach (var voice in voices)
        {
            await using var session = pipeline.CreateSession("alone-" + voice.Voice, voice);
            alone.Add(Flatten(await ReadAllAsync(session.Speak(text))));
        }

        var sessions = voices.Select((v, i) => pipeline.CreateSession($"together-{i}", v)).ToArray();
        var together = await Task.WhenAll(sessions.Select(s => ReadAllAsync(s.Speak(text))));

        Assert.True(engine.MaxBatchSeen > 1, "rows of several sessions should have shared a batch");
        for (var i = 0; i < voices.Length; i++)
        {
            Assert.Equal(alone[i], Flatten(together[i]));
            await sessions[i].DisposeAsync();
        }

        Assert.NotEqual(alone[0], alone[1]);
    }

    [Fact]
    public async Task Cancelling_an_utterance_ends_its_audio_and_leaves_other_sessions_untouched()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine { GeneratorDelay = TimeSpan.FromMilliseconds(20) });
        await using var a = pipeline.CreateSession("a", new VoiceProfile("tone", "a"));
        await using var b = pipeline.CreateSession("b", new VoiceProfile("tone", "b"));

        var cancelled = a.Speak("One. Two. Three. Four. Five. Six.");
        var kept = b.Speak("One. Two. Three.");
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(cancelled));
        Assert.Equal(3, (await ReadAllAsync(kept)).Count);
    }

    [Fact]
    public async Task A_failing_row_fails_only_its_own_utterance()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine { GeneratorDelay = TimeSpan.FromMilliseconds(5) }, new PipelineOptions { MaxBatchWait = TimeSpan.FromMilliseconds(5) });
        await using var bad = pipeline.CreateSession("bad", new VoiceProfile("tone", "a"));
        await using var good = pipeline.CreateSession("good", new VoiceProfile("tone", "b"));

        var failing = bad.Speak("FAIL here.");
        var fine = good.Speak("All good. Still fine.");

        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(failing));
        Assert.Equal(2, (await ReadAllAsync(fine)).Count);
    }

    [Fact]
    public async Task Timeline_marks_follow_the_order_of_the_stages()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine());
        await using var session = pipeline.CreateSession("s", new VoiceProfile("tone", "a"));

        var utterance = session.Speak("Hello there. General.");
        await ReadAllAsync(utterance);
        var t = utterance.Timeline.Snapshot();

        Assert.NotNull(t.FirstChunkNormalizedMs);
        Assert.NotNull(t.FirstUnitsGeneratedMs);
        Assert.NotNull(t.FirstPcmMs);
        Assert.True(t.FirstChunkNormalizedMs <= t.FirstUnitsGeneratedMs);
        Assert.True(t.FirstUnitsGeneratedMs <= t.FirstPcmMs);
        Assert.Null(t.FirstRtpPacketMs);
        Assert.True(utterance.Timeline.TryMark(TimelineMark.FirstRtpPacket));
        Assert.False(utterance.Timeline.TryMark(TimelineMark.FirstRtpPacket));
    }

    [Fact]
    public async Task Empty_text_completes_at_once_without_audio()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine());
        await using var session = pipeline.CreateSession("s", new VoiceProfile("tone", "a"));

        var utterance = session.Speak("   ");

        Assert.Empty(await ReadAllAsync(utterance));
    }

    [Fact]
    public async Task Stages_run_at_most_the_configured_chunks_ahead_of_the_reader()
    {
        var engine = new ToneTestEngine();
        await using var pipeline = CreatePipeline(engine, new PipelineOptions { ChunksAheadPerUtterance = 2 });
        await using var session = pipeline.CreateSession("s", new VoiceProfile("tone", "a"));

        var utterance = session.Speak("A. B. C. D. E. F.");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.TokenizeCount < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);

        // Nothing read yet: stage 1 took its two credits and must hold the other four chunks back.
        Assert.Equal(2, engine.TokenizeCount);
        var read = new List<PcmChunk>();
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var chunk in utterance.ReadAudioAsync(cts.Token))
        {
            read.Add(chunk);
            if (read.Count == 1)
            {
                Assert.True(utterance.Timeline.GetTimestamp(TimelineMark.FirstPcm).HasValue);
            }
        }

        Assert.Equal(6, read.Count);
    }

    [Fact]
    public async Task Disposing_an_utterance_while_its_rows_are_in_flight_leaves_the_stages_serving_others()
    {
        await using var pipeline = CreatePipeline(new ToneTestEngine { GeneratorDelay = TimeSpan.FromMilliseconds(20) });
        await using var session = pipeline.CreateSession("s", new VoiceProfile("tone", "a"));

        var abandoned = session.Speak("FAIL soon. And more.");
        abandoned.Dispose();
        await Task.Delay(100);
        var next = session.Speak("Still. Working.");

        Assert.Equal(2, (await ReadAllAsync(next)).Count);
    }

    private static short[] Flatten(List<PcmChunk> chunks) => [.. chunks.SelectMany(c => c.Samples.ToArray())];
}
