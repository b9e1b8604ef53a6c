using VoiceAgent.Host.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Speech.Synthesis;

/// <summary>
/// Speaks one text through the three-stage pipeline (its own session, so its voice is isolated
/// like a call's) and writes the audio to a <see cref="SpeechAudioFormat"/> chunk by chunk, resampled
/// through libsoxr when the format needs another rate. Its rows yield to calls' in the shared stages.
/// </summary>
internal sealed class SpeechSynthesizer(SpeechPipeline pipeline)
{
    public async Task SynthesizeAsync(string text, VoiceProfile voice, SpeechAudioFormat format, CancellationToken cancellationToken)
    {
        // Nobody listens live: calls' rows go first in the shared stages.
        await using var session = pipeline.CreateSession("speech-" + Guid.NewGuid().ToString("N")[..12], voice, SpeechPriority.Background);
        using var utterance = session.Speak(text);
        PcmRateConverter? converter = null;
        var started = false;
        try
        {
            await foreach (var chunk in utterance.ReadAudioAsync(cancellationToken))
            {
                if (!started)
                {
                    await format.StartAsync(format.SampleRate == 0 ? chunk.SampleRate : format.SampleRate, cancellationToken);
                    started = true;
                }

                // The format's rate, or the first chunk's when the format takes any.
                converter ??= new PcmRateConverter(chunk.SampleRate, format.SampleRate == 0 ? chunk.SampleRate : format.SampleRate);
                await format.WriteAsync(converter.Convert(chunk.Samples.Span), cancellationToken);
            }

            if (!started)
            {
                await format.StartAsync(format.SampleRate == 0 ? pipeline.Engine.SampleRate : format.SampleRate, cancellationToken);
            }

            if (converter is { IsPassThrough: false })
            {
                await format.WriteAsync(converter.Flush(), cancellationToken);
            }

            await format.CompleteAsync(cancellationToken);
        }
        finally
        {
            converter?.Dispose();
        }
    }
}
