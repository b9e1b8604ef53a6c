using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts;
using Xunit.Abstractions;

namespace VoiceAgent.Pipeline.Tests;

public sealed class SpeechPriorityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_call_utterance_goes_ahead_of_the_rows_that_speech_api_sessions_have_queued()
    {
        // One row per batch, as a sequential engine (espeak-ng) runs: twelve speech API sessions keep about
        // 24 rows queued. Rows are counted, not timed, so a loaded machine cannot make the test lie.
        var started = new ConcurrentQueue<(long Timestamp, string Voice)>();
        var engine = new ToneTestEngine
        {
            GeneratorDelay = TimeSpan.FromMilliseconds(5),
            OnGenerate = batch => started.Enqueue((Stopwatch.GetTimestamp(), batch[0].Voice.Voice)),
        };
        await using var pipeline = new SpeechPipeline(engine, new SentenceTestFrontend(), new PipelineOptions { MaxBatchSize = 1 }, NullLogger<SpeechPipeline>.Instance);
        using var stop = new CancellationTokenSource(Timeout);
        var longText = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"Sentence number {i}."));
        var flood = Enumerable.Range(0, 12).Select(i => pipeline.CreateSession($"api-{i}", new VoiceProfile("tone", $"api-{i}"), SpeechPriority.Background)).ToArray();
        var readers = flood.Select(s => DrainAsync(s.Speak(longText), stop.Token)).ToArray();
        while (started.Count < 50)
        {
            await Task.Delay(20, stop.Token); // the stage is saturated now
        }

        await using var call = pipeline.CreateSession("call", new VoiceProfile("tone", "caller"));
        await using var newcomer = pipeline.CreateSession("api-new", new VoiceProfile("tone", "late"), SpeechPriority.Background);
        using var callUtterance = call.Speak("Hello caller.");
        using var apiUtterance = newcomer.Speak("Hello client.");
        await Task.WhenAll(FirstChunkAsync(callUtterance, stop.Token), FirstChunkAsync(apiUtterance, stop.Token));

        var callAhead = RowsStartedBetween(started, callUtterance, "caller");
        var apiAhead = RowsStartedBetween(started, apiUtterance, "late");
        output.WriteLine($"rows run after the utterance was queued and before its own: call {callAhead}, speech API newcomer {apiAhead}");
        await stop.CancelAsync();
        foreach (var session in flood)
        {
            await session.DisposeAsync();
        }

        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(callAhead <= 1, $"{callAhead} speech API rows ran ahead of the call's (the newcomer waited for {apiAhead})");
        Assert.True(apiAhead >= 10, $"the speech API newcomer waited for only {apiAhead} rows: the stage was not saturated");
    }

    [Fact]
    public async Task In_the_streaming_stage_a_call_lane_takes_the_turns_while_speech_api_lanes_wait()
    {
        // Round robin gives every lane a piece per turn; a call's lane must not wait for twelve API lanes' pieces.
        var engine = new CountingStreamingEngine();
        await using var pipeline = new SpeechPipeline(engine, new SentenceTestFrontend(), new PipelineOptions(), NullLogger<SpeechPipeline>.Instance);
        using var stop = new CancellationTokenSource(Timeout);
        var longText = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"Sentence number {i}."));
        var flood = Enumerable.Range(0, 12).Select(i => pipeline.CreateSession($"api-{i}", new VoiceProfile("counting", $"api-{i}"), SpeechPriority.Background)).ToArray();
        var readers = flood.Select(s => DrainAsync(s.Speak(longText), stop.Token)).ToArray();
        while (engine.Pieces.Count < 200)
        {
            await Task.Delay(20, stop.Token);
        }

        await using var call = pipeline.CreateSession("call", new VoiceProfile("counting", "caller"));
        using var callUtterance = call.Speak("Hello caller. How are you.");
        await DrainAsync(callUtterance, stop.Token);

        var queued = callUtterance.Timeline.GetTimestamp(TimelineMark.FirstChunkNormalized)!.Value;
        var pieces = engine.Pieces.ToArray();
        var callPieces = pieces.Where(p => p.Voice == "caller").ToArray();
        var apiBeforeFirst = pieces.Count(p => p.Voice != "caller" && p.Timestamp > queued && p.Timestamp < callPieces[0].Timestamp);
        var apiDuring = pieces.Count(p => p.Voice != "caller" && p.Timestamp > callPieces[0].Timestamp && p.Timestamp < callPieces[^1].Timestamp);
        output.WriteLine($"API pieces after the call was queued: {apiBeforeFirst} before its first piece, {apiDuring} while its {callPieces.Length} pieces were made");
        await stop.CancelAsync();
        foreach (var session in flood)
        {
            await session.DisposeAsync();
        }

        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Equal(2 * CountingStreamingEngine.PiecesPerChunk, callPieces.Length);
        Assert.True(apiBeforeFirst <= 1, $"{apiBeforeFirst} speech API pieces were made before the call's first");
        Assert.True(apiDuring <= callPieces.Length, $"{apiDuring} speech API pieces were made while the call's {callPieces.Length} were (round robin alone: about {12 * callPieces.Length})");
    }

    /// <summary>Rows whose generation started after <paramref name="utterance"/>'s first row was queued and before that row's own.</summary>
    private static int RowsStartedBetween(ConcurrentQueue<(long Timestamp, string Voice)> started, Utterance utterance, string voice)
    {
        var queued = utterance.Timeline.GetTimestamp(TimelineMark.FirstChunkNormalized) ?? throw new InvalidOperationException("never queued");
        var rows = started.ToArray();
        var own = rows.First(r => r.Voice == voice).Timestamp;
        return rows.Count(r => r.Timestamp > queued && r.Timestamp < own);
    }

    private static async Task FirstChunkAsync(Utterance utterance, CancellationToken cancellationToken)
    {
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            _ = chunk;
            return;
        }
    }

    private static async Task DrainAsync(Utterance utterance, CancellationToken cancellationToken)
    {
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            _ = chunk;
        }
    }
}
