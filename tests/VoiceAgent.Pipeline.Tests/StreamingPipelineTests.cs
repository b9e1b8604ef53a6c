using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>
/// Streaming within a chunk through the pipeline (<see cref="IStreamingTtsEngine"/>), with the committed arcodec
/// fixture pack: PCM every codec window, the same samples as the one-result-per-row stages, session isolation and
/// barge-in.
/// </summary>
[Collection(StreamingCollection.Name)]
public sealed class StreamingPipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Text = "Your appointment is confirmed. It is on Tuesday. Goodbye.";

    private static string Pack => Path.Combine(AppContext.BaseDirectory, "fixtures", "models", "arcodec");

    private static async Task<IStreamingTtsEngine> LoadAsync()
    {
        var engine = OnnxEngineFactory.Load(Pack, new OnnxEngineOptions(), NullLogger.Instance);
        await engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        return (IStreamingTtsEngine)engine;
    }

    private static SpeechPipeline CreatePipeline(ITtsEngine engine, PipelineOptions? options = null)
        => new(engine, new SentenceTestFrontend(), options ?? new PipelineOptions(), NullLogger<SpeechPipeline>.Instance);

    private static VoiceProfile Voice(string id, long? seed) => new(ArcodecEngine.EngineName, id) { Seed = seed };

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

    private static short[] Flatten(IEnumerable<PcmChunk> chunks) => [.. chunks.SelectMany(c => c.Samples.ToArray())];

    [Fact]
    public async Task First_pcm_reaches_the_reader_while_chunk_0_is_still_generating()
    {
        await using var arcodec = await LoadAsync();
        var gated = new GatedStreamingEngine(arcodec);
        await using var pipeline = CreatePipeline(gated);
        await using var session = pipeline.CreateSession("s", Voice("ava", 3));

        var utterance = session.Speak(Text);
        using var cts = new CancellationTokenSource(Timeout);
        var read = new List<PcmChunk>();
        await foreach (var chunk in utterance.ReadAudioAsync(cts.Token))
        {
            if (read.Count == 0)
            {
                // Chunk 0's row is held after its first window: only a pipeline that streams within the chunk gets here.
                Assert.Equal(0, chunk.Index);
                Assert.False(gated.Chunk0Finished);
                Assert.Equal(1, gated.PiecesOfChunk0);
                Assert.NotNull(utterance.Timeline.Snapshot().FirstPcmMs);
                gated.Release();
            }

            read.Add(chunk);
        }

        Assert.True(pipeline.StreamsWithinChunk);
        Assert.True(read.Count(c => c.Index == 0) > 1, "chunk 0 came in one piece");
        var t = utterance.Timeline.Snapshot();
        Assert.True(t.FirstChunkNormalizedMs <= t.FirstUnitsGeneratedMs);
        Assert.True(t.FirstUnitsGeneratedMs <= t.FirstPcmMs);
    }

    [Fact]
    public async Task Streamed_pieces_equal_the_per_chunk_stages_sample_for_sample_in_order_with_one_last()
    {
        await using var engine = await LoadAsync();
        await using var streamed = CreatePipeline(engine);
        await using var staged = CreatePipeline(engine, new PipelineOptions { StreamWithinChunk = false });
        await using var a = streamed.CreateSession("a", Voice("ben", 11));
        await using var b = staged.CreateSession("b", Voice("ben", 11));

        var pieces = await ReadAllAsync(a.Speak(Text));
        var chunks = await ReadAllAsync(b.Speak(Text));

        Assert.False(staged.StreamsWithinChunk);
        Assert.Equal([0, 1, 2], chunks.Select(c => c.Index));
        Assert.True(pieces.Count > chunks.Count, $"{pieces.Count} pieces for {chunks.Count} chunks");
        Assert.Equal(pieces.Select(p => p.Index).Order(), pieces.Select(p => p.Index));
        Assert.Equal([0, 1, 2], pieces.Select(p => p.Index).Distinct());
        Assert.Single(pieces, p => p.IsLast);
        Assert.True(pieces[^1].IsLast);
        for (var index = 0; index < chunks.Count; index++)
        {
            Assert.Equal(chunks[index].Samples.ToArray(), Flatten(pieces.Where(p => p.Index == index)));
        }
    }

    [Fact]
    public async Task A_row_whose_reader_lags_pauses_at_its_queue_limit_without_holding_up_another_session()
    {
        await using var arcodec = await LoadAsync();
        var counting = new GatedStreamingEngine(arcodec);
        counting.Release();
        await using var pipeline = CreatePipeline(counting, new PipelineOptions { ChunksAheadPerUtterance = 1, StreamedPiecesAhead = 3 });
        await using var slow = pipeline.CreateSession("slow", Voice("ava", 1));
        await using var other = pipeline.CreateSession("other", Voice("ben", 2));

        var lagging = slow.Speak(Text);
        var deadline = DateTime.UtcNow + Timeout;
        while (counting.Pieces < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.Equal(3, counting.Pieces);

        // The paused row keeps its state and the stage serves another session meanwhile.
        Assert.NotEmpty(await ReadAllAsync(other.Speak("Hello.")));
        var streamedAlone = Flatten(await ReadAllAsync(lagging));
        await using var check = CreatePipeline(arcodec, new PipelineOptions { StreamWithinChunk = false });
        await using var reference = check.CreateSession("reference", Voice("ava", 1));
        Assert.Equal(Flatten(await ReadAllAsync(reference.Speak(Text))), streamedAlone);
    }

    [Fact]
    public async Task A_streaming_row_failing_mid_chunk_fails_only_its_own_utterance()
    {
        await using var arcodec = await LoadAsync();
        var engine = new GatedStreamingEngine(arcodec);
        engine.Release();
        await using var pipeline = CreatePipeline(engine);
        await using var bad = pipeline.CreateSession("bad", Voice("ava", 1));
        await using var good = pipeline.CreateSession("good", Voice("ben", 2));
        await using var reference = CreatePipeline(arcodec, new PipelineOptions { StreamWithinChunk = false });
        await using var alone = reference.CreateSession("alone", Voice("ben", 2));

        var failing = bad.Speak("Fine first. FAIL here. Never said.");
        var fine = good.Speak(Text);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(failing));
        Assert.Equal(Flatten(await ReadAllAsync(alone.Speak(Text))), Flatten(await ReadAllAsync(fine)));
        Assert.NotEmpty(await ReadAllAsync(bad.Speak("Working again.")));
    }

    [Fact]
    public async Task Sixteen_concurrent_streaming_sessions_each_hear_what_they_hear_alone()
    {
        await using var engine = await LoadAsync();
        await using var pipeline = CreatePipeline(engine, new PipelineOptions { StreamedPiecesAhead = 4 });
        string[] ids = ["ava", "ben", "cleo"];
        var voices = Enumerable.Range(0, 16).Select(i => Voice(ids[i % ids.Length], i is 3 or 7 ? null : 100 + i)).ToArray();
        const string text = "Your appointment. Is confirmed.";

        var alone = new List<short[]>();
        foreach (var voice in voices)
        {
            await using var session = pipeline.CreateSession("alone", voice);
            alone.Add(Flatten(await ReadAllAsync(session.Speak(text))));
        }

        var sessions = voices.Select((v, i) => pipeline.CreateSession($"together-{i}", v)).ToArray();
        var together = await Task.WhenAll(sessions.Select(s => Task.Run(() => ReadAllAsync(s.Speak(text)))));

        for (var i = 0; i < voices.Length; i++)
        {
            Assert.True(alone[i].AsSpan().SequenceEqual(Flatten(together[i])), $"session {i} differs from alone");
            Assert.False(i > 0 && alone[i].AsSpan().SequenceEqual(alone[i - 1]), $"sessions {i - 1} and {i} sound the same");
            await sessions[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task Cancelling_a_streaming_utterance_after_its_first_piece_stops_it_and_leaves_others_unchanged()
    {
        await using var engine = await LoadAsync();
        await using var pipeline = CreatePipeline(engine);
        var voices = new[] { Voice("ava", 1), Voice("ben", 2), Voice("cleo", 3) };
        var alone = new List<short[]>();
        foreach (var voice in voices)
        {
            await using var session = pipeline.CreateSession("alone", voice);
            alone.Add(Flatten(await ReadAllAsync(session.Speak(Text))));
        }

        var sessions = voices.Select((v, i) => pipeline.CreateSession($"s{i}", v)).ToArray();
        var utterances = sessions.Select(s => s.Speak(Text)).ToArray();
        var victim = utterances[1];
        var victimRead = Task.Run(async () =>
        {
            var pieces = 0;
            using var cts = new CancellationTokenSource(Timeout);
            await foreach (var chunk in victim.ReadAudioAsync(cts.Token))
            {
                pieces++;
                victim.Cancel();
            }

            return pieces;
        });
        var others = new[] { 0, 2 }.Select(i => Task.Run(() => ReadAllAsync(utterances[i]))).ToArray();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => victimRead).WaitAsync(Timeout);
        Assert.Equal(alone[0], Flatten(await others[0]));
        Assert.Equal(alone[2], Flatten(await others[1]));

        // The stage keeps serving: the cancelled session's next utterance is whole.
        Assert.Equal(alone[1], Flatten(await ReadAllAsync(sessions[1].Speak(Text))));
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }
}

/// <summary>The streaming tests run alone: 16 generating sessions keep both cores busy.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingCollection
{
    public const string Name = "streaming";
}
