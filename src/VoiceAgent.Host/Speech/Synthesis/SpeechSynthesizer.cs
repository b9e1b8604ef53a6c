using System.Buffers;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
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
        SoxrResampler? resampler = null;
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

                var target = format.SampleRate == 0 ? (resampler?.OutputRate ?? chunk.SampleRate) : format.SampleRate;
                if (chunk.SampleRate == target && resampler is null)
                {
                    await format.WriteAsync(chunk.Samples, cancellationToken);
                    continue;
                }

                resampler ??= new SoxrResampler(chunk.SampleRate, target);
                await WriteResampledAsync(resampler, format, chunk.Samples, flush: false, cancellationToken);
            }

            if (!started)
            {
                await format.StartAsync(format.SampleRate == 0 ? pipeline.Engine.SampleRate : format.SampleRate, cancellationToken);
            }

            if (resampler is not null)
            {
                await WriteResampledAsync(resampler, format, ReadOnlyMemory<short>.Empty, flush: true, cancellationToken);
            }

            await format.CompleteAsync(cancellationToken);
        }
        finally
        {
            resampler?.Dispose();
        }
    }

    private static async Task WriteResampledAsync(SoxrResampler resampler, SpeechAudioFormat format, ReadOnlyMemory<short> pcm, bool flush, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<short>.Shared.Rent(resampler.MaxOutputFor(Math.Max(pcm.Length, resampler.InputRate / 10)));
        try
        {
            var written = flush ? resampler.Flush(buffer) : resampler.Process(pcm.Span, buffer);
            await format.WriteAsync(buffer.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(buffer);
        }
    }
}
