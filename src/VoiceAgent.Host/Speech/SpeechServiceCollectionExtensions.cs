using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Espeak;

namespace VoiceAgent.Host.Speech;

/// <summary>Registers the TTS engine, the text frontend and the three-stage pipeline.</summary>
internal static class SpeechServiceCollectionExtensions
{
    public static IServiceCollection AddVoiceAgentSpeech(this IServiceCollection services)
    {
        services.AddSingleton<ITtsEngine>(_ => new EspeakEngine());
        services.AddSingleton<ITextFrontend>(sp => new NormalizingTextFrontend(sp.GetRequiredService<VoiceAgentSettings>().Tts.Voice));
        services.AddSingleton(new PipelineOptions());
        services.AddSingleton<SpeechPipeline>();
        services.AddHostedService<TtsWarmupService>();
        return services;
    }
}
