using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Bench;

/// <summary>
/// The autoregressive LM + codec engine in process, no calls: load and warm-up, time to first PCM of an utterance when
/// streaming (chunk 0 tokenized, the first window generated and decoded) and through the pipeline's stages (chunk 0
/// generated to its end, then vocoded), real-time factor per chunk (streamed), and the LM's time per token.
/// Defaults to the tiny fixture pack: it measures the engine's overhead (per-step tensors, sampling, windows), not a
/// real model's inference cost.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- arlm [utterances=10] [pack-dir]
/// </summary>
internal static class ArcodecBenchmark
{
    private static readonly string[] Utterances =
    [
        "Hello, this is the pharmacy calling. Your prescription is ready for pickup at the front counter.",
        "Your appointment is confirmed for Monday at ten thirty. Please arrive fifteen minutes early.",
        "I'm sorry, I didn't catch that. Could you repeat your account number, one digit at a time?",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var pack = args.Length > 2 ? args[2] : NeuralEngineBenchmark.FixturePack("arcodec");
        var options = new OnnxEngineOptions();
        Console.WriteLine($"ONNX Runtime CPU, intra-op threads {options.IntraOpThreads}, {Environment.ProcessorCount} cores, {count} utterances");

        var loadStarted = Stopwatch.GetTimestamp();
        await using var engine = (ArcodecEngine)OnnxEngineFactory.Load(pack, options, NullLogger.Instance);
        await engine.InitializeAsync(CancellationToken.None);
        var loadMs = Stopwatch.GetElapsedTime(loadStarted).TotalMilliseconds;
        var voice = engine.Resolve(new VoiceProfile(engine.Name, engine.Voices[^1].Id) { Seed = 1 });

        var streamedFirst = new List<double>();
        var stagedFirst = new List<double>();
        var rtf = new List<double>();
        var perToken = new List<double>();
        var bytesPerToken = new List<double>();
        for (var u = 0; u < count; u++)
        {
            var chunks = TextChunker.Split(Utterances[u % Utterances.Length]);
            foreach (var chunk in chunks)
            {
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                var tokens = engine.Tokenize(chunk, voice);
                var samples = 0;
                var first = true;
                await foreach (var pcm in engine.StreamAsync(tokens, voice))
                {
                    if (first && chunk.Index == 0)
                    {
                        streamedFirst.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    first = false;
                    samples += pcm.Samples.Length;
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                if (samples > 0)
                {
                    bytesPerToken.Add(allocated / (double)(samples / engine.HopLength * engine.Settings.Codebooks));
                    rtf.Add(elapsed.TotalSeconds / (samples / (double)engine.SampleRate));
                    perToken.Add(elapsed.TotalMilliseconds / (samples / engine.HopLength * engine.Settings.Codebooks));
                }

                if (chunk.Index == 0)
                {
                    var stagedStarted = Stopwatch.GetTimestamp();
                    var units = await engine.GenerateAsync([new GenerationRequest(engine.Tokenize(chunk, voice), voice)], CancellationToken.None);
                    await engine.VocodeAsync([new VocodeRequest(units[0], voice)], CancellationToken.None);
                    stagedFirst.Add(Stopwatch.GetElapsedTime(stagedStarted).TotalMilliseconds);
                }
            }
        }

        // Through the pipeline (stage 1 on the thread pool, the shared stages): accepted -> first PCM out to the reader,
        // streaming within the chunk (IStreamingTtsEngine) versus the one-result-per-row generator and vocoder stages.
        var pipelineStreamed = await PipelineFirstPcmAsync(engine, voice, count, streamWithinChunk: true);
        var pipelineStaged = await PipelineFirstPcmAsync(engine, voice, count, streamWithinChunk: false);

        var (window, overlap) = engine.StreamingWindow;
        Console.WriteLine();
        Console.WriteLine($"{engine.Name}: {pack} (voice {voice.Voice}, window {window} frames, overlap {overlap}, hop {engine.HopLength} at {engine.SampleRate} Hz)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load + initialize: {loadMs:F0} ms (warm-up {engine.WarmUpTime.TotalMilliseconds:F1} ms)"));
        NeuralEngineBenchmark.Report("  time to first PCM, streamed (chunk 0: tokenize -> first window)", streamedFirst, "ms");
        NeuralEngineBenchmark.Report("  time to first PCM, stages (chunk 0: generate all -> vocode)", stagedFirst, "ms");
        NeuralEngineBenchmark.Report("  real-time factor per chunk (streamed)", rtf, "");
        NeuralEngineBenchmark.Report("  time per generated token incl. decoding (streamed)", perToken, "ms");
        NeuralEngineBenchmark.Report("  pipeline: accepted -> first PCM, streaming within the chunk", pipelineStreamed, "ms");
        NeuralEngineBenchmark.Report("  pipeline: accepted -> first PCM, per-chunk stages (StreamWithinChunk = false)", pipelineStaged, "ms");
        NeuralEngineBenchmark.Report("  managed bytes allocated per generated token incl. decoding (streamed)", bytesPerToken, "B");
        Console.WriteLine($"  garbage collections in the run: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}");
        return 0;
    }

    private static async Task<List<double>> PipelineFirstPcmAsync(ArcodecEngine engine, VoiceProfile voice, int count, bool streamWithinChunk)
    {
        var options = new PipelineOptions { StreamWithinChunk = streamWithinChunk };
        await using var pipeline = new SpeechPipeline(engine, new NormalizingTextFrontend("en-us"), options, NullLogger<SpeechPipeline>.Instance);
        var firstPcm = new List<double>();
        for (var u = 0; u < count; u++)
        {
            await using var session = pipeline.CreateSession($"bench-{u}", voice);
            using var utterance = session.Speak(Utterances[u % Utterances.Length]);
            await foreach (var _ in utterance.ReadAudioAsync())
            {
            }

            if (utterance.Timeline.Snapshot().FirstPcmMs is { } ms)
            {
                firstPcm.Add(ms);
            }
        }

        return firstPcm;
    }
}
