using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

/// <summary>The committed tiny model packs (tests/fixtures/models, copied beside the test assembly) and helpers to drive them.</summary>
internal static class OnnxFixtures
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string Pack(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "models", name);

    public static string Reference(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", file);

    public static string PiperPack => Pack("piper");

    public static string KokoroPack => Pack("kokoro");

    public static async Task<ITtsEngine> LoadAsync(string pack, OnnxEngineOptions? options = null, ILogger? logger = null)
    {
        var engine = OnnxEngineFactory.Load(pack, options ?? new OnnxEngineOptions(), logger ?? NullLogger.Instance);
        await engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        return engine;
    }

    /// <summary>One chunk through the three stages, as the pipeline runs them.</summary>
    public static async Task<PcmChunk> SynthesizeAsync(ITtsEngine engine, string text, VoiceProfile voice, int index = 0, bool isLast = true)
    {
        var tokens = engine.Tokenize(new TextChunk(index, text, isLast), voice);
        var units = await engine.GenerateAsync([new GenerationRequest(tokens, voice)], CancellationToken.None).AsTask().WaitAsync(Timeout);
        var pcm = await engine.VocodeAsync([new VocodeRequest(units[0], voice)], CancellationToken.None).AsTask().WaitAsync(Timeout);
        return pcm[0];
    }

    /// <summary>A copy of a fixture pack in a fresh temporary directory, for tests that break it.</summary>
    public static string CopyToTemp(string pack)
    {
        var target = Path.Combine(Path.GetTempPath(), "voiceagent-onnx-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(pack, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(pack, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public static int MaxAbsDifference(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }
}
