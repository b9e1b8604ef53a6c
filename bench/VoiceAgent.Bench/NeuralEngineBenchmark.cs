using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Engines.Kokoro;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Engines.Piper;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Bench;

/// <summary>
/// Neural engines (Piper, Kokoro, arcodec through its stages) on ONNX Runtime, in process, no calls: load and warm-up time, time to first PCM of
/// an utterance (stage 1 of chunk 0 to the PCM out of stage 3), and real-time factor per chunk (the three stages'
/// time over the chunk's audio duration), with each stage's share. Defaults to the tiny fixture packs, which measure
/// the engine's own overhead (espeak-ng, tensors, conversion), not a real voice's inference cost.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- onnx [utterances=30] [pack-dir ...]
/// </summary>
internal static class NeuralEngineBenchmark
{
    private static readonly string[] Utterances =
    [
        "Hello, this is the pharmacy calling. Your prescription is ready for pickup at the front counter.",
        "Your appointment is confirmed for Monday at ten thirty. Please arrive fifteen minutes early.",
        "I'm sorry, I didn't catch that. Could you repeat your account number, one digit at a time?",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var packs = args.Length > 2 ? args[2..] : [FixturePack("piper"), FixturePack("kokoro")];
        var options = new OnnxEngineOptions(); // cpu, 1 intra-op thread: the server's defaults
        Console.WriteLine($"ONNX Runtime CPU, intra-op threads {options.IntraOpThreads}, {Environment.ProcessorCount} cores, {count} utterances per pack");
        foreach (var pack in packs)
        {
            await MeasureAsync(pack, options, count);
        }

        return 0;
    }

    private static async Task MeasureAsync(string pack, OnnxEngineOptions options, int count)
    {
        var loadStarted = Stopwatch.GetTimestamp();
        await using var engine = OnnxEngineFactory.Load(pack, options, NullLogger.Instance);
        await engine.InitializeAsync(CancellationToken.None);
        var loadMs = Stopwatch.GetElapsedTime(loadStarted).TotalMilliseconds;
        var warmUp = engine switch
        {
            PiperEngine piper => piper.WarmUpTime,
            KokoroEngine kokoro => kokoro.WarmUpTime,
            ArcodecEngine arcodec => arcodec.WarmUpTime,
            _ => TimeSpan.Zero,
        };
        var voices = ((IVoiceCatalog)engine).Voices;
        var voice = ((IVoiceCatalog)engine).Resolve(new VoiceProfile(engine.Name, voices[^1].Id));

        var firstPcm = new List<double>();
        var rtf = new List<double>();
        var tokenizeMs = new List<double>();
        var generateMs = new List<double>();
        var vocodeMs = new List<double>();
        for (var u = 0; u < count; u++)
        {
            var chunks = TextChunker.Split(Utterances[u % Utterances.Length]);
            var utteranceStarted = Stopwatch.GetTimestamp();
            foreach (var chunk in chunks)
            {
                var t0 = Stopwatch.GetTimestamp();
                var tokens = engine.Tokenize(chunk, voice);
                var t1 = Stopwatch.GetTimestamp();
                var units = await engine.GenerateAsync([new GenerationRequest(tokens, voice)], CancellationToken.None);
                var t2 = Stopwatch.GetTimestamp();
                var pcm = (await engine.VocodeAsync([new VocodeRequest(units[0], voice)], CancellationToken.None))[0];
                var t3 = Stopwatch.GetTimestamp();
                if (chunk.Index == 0)
                {
                    firstPcm.Add(Stopwatch.GetElapsedTime(utteranceStarted, t3).TotalMilliseconds);
                }

                var audioSeconds = pcm.Samples.Length / (double)pcm.SampleRate;
                rtf.Add(Stopwatch.GetElapsedTime(t0, t3).TotalSeconds / audioSeconds);
                tokenizeMs.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                generateMs.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                vocodeMs.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{engine.Name}: {pack} (voice {voice.Voice}, {voices.Count} voices)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load + initialize: {loadMs:F0} ms (warm-up run {warmUp.TotalMilliseconds:F1} ms)"));
        Report("  time to first PCM (chunk 0: tokenize -> generate -> vocode)", firstPcm, "ms");
        Report("  real-time factor per chunk", rtf, "");
        Report("  stage 1 tokenize (espeak-ng + ids) per chunk", tokenizeMs, "ms");
        Report("  stage 2 generate (ONNX run) per chunk", generateMs, "ms");
        Report("  stage 3 vocode (float -> PCM16) per chunk", vocodeMs, "ms");
    }

    internal static string FixturePack(string name)
    {
        // The committed fixtures, found from the working directory up (dotnet run starts in the repository or the project).
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "models", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/models/{name} not found above {Directory.GetCurrentDirectory()}; pass pack directories.");
    }

    internal static void Report(string name, List<double> values, string unit)
    {
        values.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: p50 {Percentile(values, 0.50):F4} {unit}, p95 {Percentile(values, 0.95):F4} {unit}, min {values[0]:F4}, max {values[^1]:F4} (n={values.Count})"));
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
