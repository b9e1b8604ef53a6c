using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Speaks into one call: feeds each utterance's PCM through a <see cref="PlayoutWriter"/> (the
/// codec's rate) into the call's playout buffer, one utterance at a time. Marks the
/// utterance's timeline when its first and last RTP packets leave.
/// </summary>
internal sealed class CallSpeaker(SpeechSession session, RtpStream stream, CallRecord record, ILogger logger)
{
    private Utterance? _current;
    private long _interruptedAtSample = -1;

    /// <summary>Speaks <paramref name="text"/> to the end, or until interrupted or the call ends.</summary>
    /// <param name="voice">The voice for this utterance only; null keeps the call's voice.</param>
    public async Task<SayResult> SayAsync(string text, CancellationToken callEnded, VoiceProfile? voice = null)
    {
        var utterance = session.Speak(text, voice);
        var utteranceRecord = record.AddUtterance(utterance, DateTimeOffset.UtcNow);
        Interlocked.Exchange(ref _interruptedAtSample, -1);
        var startSample = stream.Playout.WrittenPosition;
        Interlocked.Exchange(ref _current, utterance);
        var outcome = await PlayAsync(utterance, callEnded);
        Interlocked.CompareExchange(ref _current, null, utterance);
        utteranceRecord.SetOutcome(SayOutcomes.Name(outcome));
        var t = utterance.Timeline.Snapshot();
        HostLog.UtteranceTimeline(logger, utterance.Id, SayOutcomes.Name(outcome), t.FirstChunkNormalizedMs, t.FirstUnitsGeneratedMs, t.FirstPcmMs, t.FirstRtpPacketMs, t.LastRtpPacketMs);
        utterance.Dispose();

        // What the caller heard: up to the flush for an interrupted utterance, everything written otherwise.
        var interruptedAt = Interlocked.Read(ref _interruptedAtSample);
        var endSample = outcome == SayOutcome.Completed || interruptedAt < 0 ? stream.Playout.SentPosition : interruptedAt;
        var playedMs = Math.Max(0, endSample - startSample) * 1000 / stream.Playout.SampleRate;
        return new SayResult(outcome, (int)playedMs);
    }

    /// <summary>
    /// Plays PCM that is already synthesized (a WAV file of the <c>play</c> verb) through the same
    /// playout path, interruptible like speech.
    /// </summary>
    public async Task<SayResult> PlayPcmAsync(ReadOnlyMemory<short> pcm, int sampleRate, CancellationToken callEnded)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(callEnded);
        var startSample = stream.Playout.WrittenPosition;
        var handle = new PlaybackHandle(interrupt);
        Interlocked.Exchange(ref _interruptedAtSample, -1);
        Interlocked.Exchange(ref _currentPlayback, handle);
        SayOutcome outcome;
        try
        {
            using var writer = new PlayoutWriter(stream.Playout, sampleRate);
            const int Block = 4096;
            for (var offset = 0; offset < pcm.Length; offset += Block)
            {
                await writer.WriteAsync(pcm.Slice(offset, Math.Min(Block, pcm.Length - offset)), interrupt.Token);
            }

            await writer.FlushAsync(interrupt.Token);
            await stream.Playout.MarkEnd().WaitAsync(interrupt.Token);
            outcome = SayOutcome.Completed;
        }
        catch (OperationCanceledException)
        {
            outcome = SayOutcome.Interrupted;
        }
        finally
        {
            Interlocked.CompareExchange(ref _currentPlayback, null, handle);
        }

        var interruptedAt = Interlocked.Read(ref _interruptedAtSample);
        var endSample = interruptedAt < 0 ? stream.Playout.SentPosition : interruptedAt;
        return new SayResult(outcome, (int)(Math.Max(0, endSample - startSample) * 1000 / stream.Playout.SampleRate));
    }

    private PlaybackHandle? _currentPlayback;

    /// <summary>Barge-in: stops the current utterance in every stage and flushes what is queued for the wire.</summary>
    public void Interrupt()
    {
        var utterance = Volatile.Read(ref _current);
        var playback = Volatile.Read(ref _currentPlayback);
        if (utterance is null && playback is null)
        {
            return;
        }

        // Remember how far the caller got before the flush moves the read position to the end.
        Interlocked.CompareExchange(ref _interruptedAtSample, stream.Playout.SentPosition, -1);
        utterance?.Cancel();
        playback?.Cancel();
        stream.Playout.Clear();
    }

    private sealed class PlaybackHandle(CancellationTokenSource source)
    {
        public void Cancel()
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The playback finished while we were interrupting it.
            }
        }
    }

    private async Task<SayOutcome> PlayAsync(Utterance utterance, CancellationToken callEnded)
    {
        PlayoutWriter? writer = null;
        var firstPacket = stream.Playout.MarkStart();
        _ = firstPacket.ContinueWith(
            t => utterance.Timeline.TryMark(TimelineMark.FirstRtpPacket, t.Result),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        // Writes stop on barge-in (the utterance's cancellation) as well as when the call ends.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(callEnded, utterance.CancellationToken);
        try
        {
            await foreach (var chunk in utterance.ReadAudioAsync(callEnded))
            {
                // One writer per utterance and call: its filter state never crosses calls.
                writer ??= new PlayoutWriter(stream.Playout, chunk.SampleRate);
                await writer.WriteAsync(chunk.Samples, stop.Token);
            }

            if (writer is not null)
            {
                await writer.FlushAsync(stop.Token);
            }

            var last = await stream.Playout.MarkEnd().WaitAsync(stop.Token);
            utterance.Timeline.SetMark(TimelineMark.LastRtpPacket, last);
            return SayOutcome.Completed;
        }
        catch (OperationCanceledException) when (utterance.IsCancelled || callEnded.IsCancellationRequested)
        {
            return SayOutcome.Interrupted;
        }
        catch (Exception ex)
        {
            HostLog.UtteranceFailed(logger, ex, utterance.Id);
            return SayOutcome.Failed;
        }
        finally
        {
            writer?.Dispose();
        }
    }
}
