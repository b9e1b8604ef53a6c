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
        services.AddHostedService<TtsWarmupService>();
        return services;
    }

    /// <summary>The embedded espeak-ng voice, or a neural engine from its model pack (files checked here, models opened at warm-up).</summary>
    internal static ITtsEngine CreateEngine(TtsSettings settings, ILogger logger)
    {
        if (!settings.IsNeural)
        {
            return new EspeakEngine();
        }

        try
        {
            var engine = OnnxEngineFactory.Load(settings.ModelPath!, settings.Onnx, logger);
            if (engine.Name != settings.Engine)
            {
                throw new StartupException($"Tts:ModelPath {settings.ModelPath} is a {engine.Name} model pack, but Tts:Engine is {settings.Engine}.");
            }

            return engine;
        }
        catch (ModelPackException ex)
        {
            throw new StartupException($"Tts:ModelPath: {ex.Message}", ex);
        }
    }
}
