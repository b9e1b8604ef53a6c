using Microsoft.Extensions.Logging;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Engines.Kokoro;
using VoiceAgent.Tts.Engines.Piper;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>
/// The host's entry point to the neural engines: reads a model pack's manifest.json and returns the engine it names.
/// </summary>
public static class OnnxEngineFactory
{
    /// <summary>
    /// Reads the pack at <paramref name="modelPath"/> (a directory with manifest.json, or the manifest itself), checks
    /// that every file it names exists and parses (configs, voice packs), and returns the engine. The models are opened,
    /// checked against their family's inputs and outputs, and warmed up by <see cref="ITtsEngine.InitializeAsync"/>;
    /// the engine also implements <see cref="IVoiceCatalog"/>.
    /// </summary>
    /// <exception cref="ModelPackException">A file is missing or invalid (<see cref="ModelPackException.Path"/> names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ITtsEngine Load(string modelPath, OnnxEngineOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var manifest = ModelManifestReader.Read(modelPath);
        return manifest.Engine.ToLowerInvariant() switch
        {
            PiperEngine.EngineName => new PiperEngine(manifest, options, logger),
            KokoroEngine.EngineName => new KokoroEngine(manifest, options, logger),
            ArcodecEngine.EngineName => new ArcodecEngine(manifest, options, logger),
            _ => throw new ModelPackException(
                $"Model pack manifest '{manifest.FilePath}' names engine '{manifest.Engine}'; expected piper, kokoro or arcodec.", manifest.FilePath),
        };
    }

    /// <summary>The voices of a pack without loading its models, e.g. for <c>GET /v1/voices</c> before start-up completes.</summary>
    public static IReadOnlyList<VoiceInfo> ListVoices(string modelPath, ILogger logger)
    {
        var engine = Load(modelPath, new OnnxEngineOptions(), logger);
        try
        {
            return ((IVoiceCatalog)engine).Voices;
        }
        finally
        {
            // No model was opened, so this completes synchronously.
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
