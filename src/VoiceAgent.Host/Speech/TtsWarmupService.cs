using VoiceAgent.Host.Audio;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Host.Speech;

/// <summary>
/// Loads and warms up the TTS engine during start-up, before the host reports ready, so the first
/// call pays no cold-start cost (ARCHITECTURE.md: models stay loaded and warm). Besides the engine it
/// runs one utterance through the whole speech path: the first call of the normalizer's regular
/// expressions, the stages and the resampler costs ~90 ms of JIT otherwise (measured on the first greeting).
/// </summary>
internal sealed class TtsWarmupService(
    ITtsEngine engine, SpeechPipeline pipeline, VoiceDirectory voices, VoiceAgentSettings settings, ReadinessState readiness, ILogger<TtsWarmupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await engine.InitializeAsync(cancellationToken);
            await CheckDefaultVoiceAsync(cancellationToken);
            await WarmUpSpeechPathAsync(cancellationToken);
            CheckNumberVoices();
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"Tts:Voice '{voices.DefaultVoice}' cannot be used with the {engine.Name} engine: {ex.Message}", ex);
        }
        catch (ModelPackException ex)
        {
            throw new StartupException($"Tts:ModelPath: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or EntryPointNotFoundException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            throw new StartupException($"the TTS engine '{engine.Name}' could not start: {ex.Message}", ex);
        }

        readiness.MarkTtsReady();
        HostLog.TtsReady(logger, engine.Name, engine.SampleRate, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// An unknown espeak-ng Tts:Voice stops start-up here with its one-line reason, before the speech
    /// path's warm-up, where the pipeline would log each failed row with its stack trace first.
    /// </summary>
    private async Task CheckDefaultVoiceAsync(CancellationToken cancellationToken)
    {
        if (settings.Tts.Engine == TtsSettings.Espeak)
        {
            _ = await VoiceAgent.Tts.Native.EspeakLibrary.Shared.SynthesizeAsync(".", voices.DefaultVoice, VoiceAgent.Tts.Native.EspeakLibrary.NormalRate, cancellationToken);
        }
    }

    /// <summary>A voice configured for a number must exist now, not fail the first call to that number.</summary>
    private void CheckNumberVoices()
    {
        foreach (var (number, voice) in settings.Inbound.Voices ?? new Dictionary<string, string>())
        {
            try
            {
                voices.Create(voice);
            }
            catch (ArgumentException ex)
            {
                throw new StartupException($"Inbound:Voices:{number} '{voice}' is not a voice of the loaded engines: {ex.Message}", ex);
            }
        }
    }

    private async Task WarmUpSpeechPathAsync(CancellationToken cancellationToken)
    {
        await using var session = pipeline.CreateSession("warm-up", voices.Create());
        using var utterance = session.Speak("Dr. Smith, your 2nd payment of $12.50 is due at 3:30 PM on 2026-11-23; call +1 555 123 4567.");
        PcmRateConverter? converter = null;
        var payload = new byte[160];
        await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
        {
            // Each chunk carries its voice's rate (a neural pack may mix 16 and 22.05 kHz voices).
            converter ??= new PcmRateConverter(chunk.SampleRate, 8000);
            var samples = chunk.Samples[..Math.Min(chunk.Samples.Length, chunk.SampleRate)];
            var converted = converter.Convert(samples.Span);
            G711MuLawCodec.Instance.Encode(converted.Span[..Math.Min(converted.Length, 160)], payload);
        }

        converter?.Dispose();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
