using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Tts</c> section.</summary>
/// <param name="Engine">Tts:Engine: <c>espeak</c> (embedded default), <c>piper</c>, <c>kokoro</c> or <c>arcodec</c> (decoder LM + codec).</param>
/// <param name="Voice">Tts:Voice; empty means the engine's default (en-us for espeak, the pack's first voice).</param>
/// <param name="Speed">Tts:Speed, a speaking-rate multiplier.</param>
/// <param name="ModelPath">Tts:ModelPath, the model pack (directory with manifest.json) of a neural engine.</param>
/// <param name="Onnx">ONNX Runtime options: Tts:ExecutionProvider, Tts:AllowCpuFallback, Tts:DeviceId, Tts:IntraOpThreads, Tts:InterOpThreads.</param>
/// <param name="Packs">Tts:Packs:&lt;name&gt;:Engine and :ModelPath: more model packs loaded beside the default; their voices are named <c>&lt;name&gt;/&lt;voice&gt;</c>.</param>
internal sealed record TtsSettings(string Engine, string Voice, float Speed, string? ModelPath, OnnxEngineOptions Onnx, IReadOnlyList<TtsPackSettings>? Packs = null)
{
    public const string Espeak = "espeak";
    public static readonly string[] Engines = [Espeak, "piper", "kokoro", "arcodec"];

    public bool IsNeural => Engine != Espeak;

    public static TtsSettings Load(ConfigurationReader reader)
    {
        var engine = reader.ReadString("Tts:Engine", Espeak).ToLowerInvariant();
        if (!Engines.Contains(engine))
        {
            throw new ConfigurationException($"Tts:Engine '{engine}' is not available; supported engines: {string.Join(", ", Engines)}.");
        }

        var modelPath = reader.ReadPath("Tts:ModelPath", string.Empty, mustExist: engine != Espeak);
        if (engine != Espeak && modelPath.Length == 0)
        {
            throw new ConfigurationException($"Tts:ModelPath must name a {engine} model pack (a directory with manifest.json) when Tts:Engine is {engine}; see docs/neural-engines.md.");
        }

        var provider = reader.ReadString("Tts:ExecutionProvider", "cpu").ToLowerInvariant() switch
        {
            "cpu" => OnnxExecutionProvider.Cpu,
            "cuda" => OnnxExecutionProvider.Cuda,
            "tensorrt" => OnnxExecutionProvider.TensorRt,
            var other => throw new ConfigurationException($"Tts:ExecutionProvider must be cpu, cuda or tensorrt; got '{other}'."),
        };

        var onnx = new OnnxEngineOptions
        {
            ExecutionProvider = provider,
            AllowCpuFallback = reader.ReadBool("Tts:AllowCpuFallback", false),
            DeviceId = reader.ReadInt("Tts:DeviceId", 0, 0, 64),
            IntraOpThreads = reader.ReadInt("Tts:IntraOpThreads", 1, 1, 256),
            InterOpThreads = reader.ReadInt("Tts:InterOpThreads", 1, 1, 256),
        };

        var packs = new List<TtsPackSettings>();
        foreach (var name in reader.ReadSectionNames("Tts:Packs"))
        {
            if (name.Equals(engine, StringComparison.OrdinalIgnoreCase) || name.Contains('/', StringComparison.Ordinal))
            {
                throw new ConfigurationException($"Tts:Packs:{name}: a pack name must differ from Tts:Engine ({engine}) and contain no '/'.");
            }

            var packEngine = reader.ReadString($"Tts:Packs:{name}:Engine", string.Empty).ToLowerInvariant();
            if (packEngine is not ("piper" or "kokoro" or "arcodec"))
            {
                throw new ConfigurationException($"Tts:Packs:{name}:Engine must be piper, kokoro or arcodec; got '{packEngine}'.");
            }

            var packPath = reader.ReadPath($"Tts:Packs:{name}:ModelPath", string.Empty, mustExist: true);
            if (packPath.Length == 0)
            {
                throw new ConfigurationException($"Tts:Packs:{name}:ModelPath must name a {packEngine} model pack (a directory with manifest.json).");
            }

            packs.Add(new TtsPackSettings(name, packEngine, packPath));
        }

        return new TtsSettings(
            engine,
            reader.ReadString("Tts:Voice", string.Empty, allowEmpty: true),
            (float)reader.ReadDouble("Tts:Speed", 1.0, 0.25, 4.0),
            modelPath.Length == 0 ? null : modelPath,
            onnx,
            packs);
    }
}

/// <summary>One more model pack (Tts:Packs:&lt;name&gt;).</summary>
internal sealed record TtsPackSettings(string Name, string Engine, string ModelPath);
