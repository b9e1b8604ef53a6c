using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Espeak;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Host.Speech;

/// <summary>Registers the TTS engine (Tts:Engine), the text frontend and the three-stage pipeline.</summary>
internal static class SpeechServiceCollectionExtensions
{
    public static IServiceCollection AddVoiceAgentSpeech(this IServiceCollection services, TtsSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(sp => CreateEngine(settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger("VoiceAgent.Tts")));
        services.AddSingleton<VoiceDirectory>();
        services.AddSingleton<ITextFrontend>(sp =>
        {
            var voices = sp.GetRequiredService<VoiceDirectory>();
            return new NormalizingTextFrontend(voices.LanguageOf(voices.DefaultVoice));
        });
        services.AddSingleton(new PipelineOptions());
        services.AddSingleton<SpeechPipeline>();
        services.AddSingleton<Synthesis.SpeechSynthesizer>();
        services.AddSingleton<SpeechAdmission>();
        services.AddHostedService<TtsWarmupService>();
        return services;
    }

    /// <summary>The embedded espeak-ng voice, or a neural engine from its model pack (files checked here, models opened at warm-up).</summary>
    internal static ITtsEngine CreateEngine(TtsSettings settings, ILogger logger)
    {
        var primary = settings.IsNeural ? LoadPack(settings.Engine, settings.ModelPath!, "Tts:ModelPath", settings, logger) : new EspeakEngine();
        if (settings.Packs is not { Count: > 0 } packs)
        {
            return primary;
        }

        var engines = new Dictionary<string, ITtsEngine>(StringComparer.Ordinal) { [settings.Engine] = primary };
        foreach (var pack in packs)
        {
            engines[pack.Name] = LoadPack(pack.Engine, pack.ModelPath, $"Tts:Packs:{pack.Name}:ModelPath", settings, logger);
        }

        return new TtsEnginePacks(engines, settings.Engine);
    }

    private static ITtsEngine LoadPack(string expectedEngine, string modelPath, string key, TtsSettings settings, ILogger logger)
    {
        try
        {
            var engine = OnnxEngineFactory.Load(modelPath, settings.Onnx, logger);
            if (engine.Name != expectedEngine)
            {
                throw new StartupException($"{key} {modelPath} is a {engine.Name} model pack, not {expectedEngine}.");
            }

            return engine;
        }
        catch (ModelPackException ex)
        {
            throw new StartupException($"{key}: {ex.Message}", ex);
        }
    }
}
