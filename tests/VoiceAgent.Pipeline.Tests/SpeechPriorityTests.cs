using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Tts;
using Xunit.Abstractions;

namespace VoiceAgent.Pipeline.Tests;

public sealed class SpeechPriorityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_call_utterance_goes_ahead_of_the_rows_that_speech_api_sessions_have_queued()
    {
        // One row per batch at 10 ms each, as a sequential engine (espeak-ng) runs: twelve speech API sessions
        // keep about 24 rows queued, so a newcomer that waits its turn waits for all of them.
        var engine = new ToneTestEngine { GeneratorDelay = TimeSpan.FromMilliseconds(10) };
        await using var pipeline = new SpeechPipeline(engine, new SentenceTestFrontend(), new PipelineOptions { MaxBatchSize = 1 }, NullLogger<SpeechPipeline>.Instance);
        using var stop = new CancellationTokenSource(Timeout);
        var longText = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"Sentence number {i}."));
        var flood = Enumerable.Range(0, 12).Select(i => pipeline.CreateSession($"api-{i}", new VoiceProfile("tone", $"v{i}"), SpeechPriority.Background)).ToArray();
        var readers = flood.Select(s => DrainAsync(s.Speak(longText), stop.Token)).ToArray();
        await Task.Delay(300, stop.Token); // the stages are saturated now

        await using var call = pipeline.CreateSession("call", new VoiceProfile("tone", "caller"));
        await using var newcomer = pipeline.CreateSession("api-new", new VoiceProfile("tone", "late"), SpeechPriority.Background);
        var callLatency = FirstChunkAsync(call.Speak("Hello caller."), stop.Token);
        var apiLatency = FirstChunkAsync(newcomer.Speak("Hello client."), stop.Token);
        var (callFirst, apiFirst) = (await callLatency, await apiLatency);

        await stop.CancelAsync();
        foreach (var session in flood)
        {
            await session.DisposeAsync();
        }

        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        output.WriteLine($"first chunk: call {callFirst.TotalMilliseconds:F0} ms, speech API newcomer {apiFirst.TotalMilliseconds:F0} ms");
        // Loose bounds (a loaded machine): the call waits for about the row being run, the newcomer for the queue.
        Assert.True(callFirst < TimeSpan.FromMilliseconds(150), $"call first chunk after {callFirst.TotalMilliseconds:F0} ms (speech API newcomer: {apiFirst.TotalMilliseconds:F0} ms)");
        Assert.True(callFirst * 2 < apiFirst, $"call {callFirst.TotalMilliseconds:F0} ms vs speech API newcomer {apiFirst.TotalMilliseconds:F0} ms");
    }

    private static async Task<TimeSpan> FirstChunkAsync(Utterance utterance, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            _ = chunk;
            return elapsed;
        }

        throw new InvalidOperationException("no audio");
    }

    private static async Task DrainAsync(Utterance utterance, CancellationToken cancellationToken)
    {
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            _ = chunk;
        }
    }
}
