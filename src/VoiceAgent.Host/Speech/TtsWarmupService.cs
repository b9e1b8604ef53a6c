using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Host.Speech;

/// <summary>
/// Loads and warms up the TTS engine during start-up, before the host reports ready, so the first
/// call pays no cold-start cost (ARCHITECTURE.md: models stay loaded and warm). Besides the engine it
/// runs one utterance through the whole speech path: the first call of the normalizer's regular
/// expressions, the stages and the resampler costs ~90 ms of JIT otherwise (measured on the first greeting).
/// </summary>
internal sealed class TtsWarmupService(
    ITtsEngine engine, SpeechPipeline pipeline, VoiceAgentSettings settings, ReadinessState readiness, ILogger<TtsWarmupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await engine.InitializeAsync(cancellationToken);
            await WarmUpSpeechPathAsync(cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"Tts:Voice '{settings.Tts.Voice}' cannot be used with the {engine.Name} engine: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException)
        {
            throw new StartupException($"the TTS engine '{engine.Name}' could not start: {ex.Message}", ex);
        }

        readiness.MarkTtsReady();
        HostLog.TtsReady(logger, engine.Name, engine.SampleRate, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task WarmUpSpeechPathAsync(CancellationToken cancellationToken)
    {
        await using var session = pipeline.CreateSession("warm-up", new VoiceProfile(settings.Tts.Engine, settings.Tts.Voice, settings.Tts.Speed));
        using var utterance = session.Speak("Dr. Smith, your 2nd payment of $12.50 is due at 3:30 PM on 2026-11-23; call +1 555 123 4567.");
        using var resampler = new SoxrResampler(engine.SampleRate, 8000);
        var output = new short[resampler.MaxOutputFor(engine.SampleRate)];
        var payload = new byte[160];
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            var samples = chunk.Samples[..Math.Min(chunk.Samples.Length, engine.SampleRate)];
            var written = resampler.Process(samples.Span, output);
            G711MuLawCodec.Instance.Encode(output.AsSpan(0, Math.Min(written, 160)), payload);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
