using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Host.Speech;

/// <summary>
/// Loads and warms up the TTS engine during start-up, before the host reports ready, so the first
/// call pays no cold-start cost (ARCHITECTURE.md: models stay loaded and warm).
/// </summary>
internal sealed class TtsWarmupService(ITtsEngine engine, ReadinessState readiness, ILogger<TtsWarmupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await engine.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException)
        {
            throw new StartupException($"the TTS engine '{engine.Name}' could not start: {ex.Message}", ex);
        }

        readiness.MarkTtsReady();
        HostLog.TtsReady(logger, engine.Name, engine.SampleRate, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
