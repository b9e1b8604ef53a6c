using System.Buffers;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Speaks into one call: turns each utterance's PCM into the codec's rate (libsoxr, state kept
/// across chunks) and feeds the call's playout buffer, one utterance at a time. Marks the
/// utterance's timeline when its first and last RTP packets leave.
/// </summary>
internal sealed class CallSpeaker(SpeechSession session, RtpStream stream, CallRecord record, ILogger logger)
{
    private Utterance? _current;

    /// <summary>Speaks <paramref name="text"/> to the end, or until interrupted or the call ends. Returns the outcome.</summary>
    public async Task<string> SayAsync(string text, CancellationToken callEnded)
    {
        var utterance = session.Speak(text);
        var utteranceRecord = record.AddUtterance(utterance, DateTimeOffset.UtcNow);
        Interlocked.Exchange(ref _current, utterance);
        var outcome = await PlayAsync(utterance, callEnded);
        Interlocked.CompareExchange(ref _current, null, utterance);
        utteranceRecord.SetOutcome(outcome);
        var t = utterance.Timeline.Snapshot();
        HostLog.UtteranceTimeline(logger, utterance.Id, outcome, t.FirstChunkNormalizedMs, t.FirstUnitsGeneratedMs, t.FirstPcmMs, t.FirstRtpPacketMs, t.LastRtpPacketMs);
        utterance.Dispose();
        return outcome;
    }

    /// <summary>Barge-in: stops the current utterance in every stage and flushes what is queued for the wire.</summary>
    public void Interrupt()
    {
        if (Volatile.Read(ref _current) is { } utterance)
        {
            utterance.Cancel();
            stream.Playout.Clear();
        }
    }

    private async Task<string> PlayAsync(Utterance utterance, CancellationToken callEnded)
    {
        SoxrResampler? resampler = null;
        var firstPacket = stream.Playout.MarkStart();
        _ = firstPacket.ContinueWith(
            t => utterance.Timeline.TryMark(TimelineMark.FirstRtpPacket, t.Result),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        try
        {
            await foreach (var chunk in utterance.ReadAudioAsync(callEnded))
            {
                // One resampler per utterance and call: its filter state never crosses calls.
                resampler ??= new SoxrResampler(chunk.SampleRate, stream.Playout.SampleRate);
                await WriteAsync(resampler, chunk.Samples, flush: false, callEnded);
            }

            if (resampler is not null)
            {
                await WriteAsync(resampler, ReadOnlyMemory<short>.Empty, flush: true, callEnded);
            }

            var last = await stream.Playout.MarkEnd().WaitAsync(callEnded);
            utterance.Timeline.SetMark(TimelineMark.LastRtpPacket, last);
            return "completed";
        }
        catch (OperationCanceledException) when (utterance.IsCancelled || callEnded.IsCancellationRequested)
        {
            return "interrupted";
        }
        catch (Exception ex)
        {
            HostLog.UtteranceFailed(logger, ex, utterance.Id);
            return "failed";
        }
        finally
        {
            resampler?.Dispose();
        }
    }

    private async Task WriteAsync(SoxrResampler resampler, ReadOnlyMemory<short> pcm, bool flush, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<short>.Shared.Rent(resampler.MaxOutputFor(Math.Max(pcm.Length, resampler.InputRate / 10)));
        try
        {
            var written = flush ? resampler.Flush(buffer) : resampler.Process(pcm.Span, buffer);
            await stream.Playout.WriteAsync(buffer.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(buffer);
        }
    }
}
