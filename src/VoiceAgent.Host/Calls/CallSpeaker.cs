using System.Buffers;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Speaks into one call: turns each utterance's PCM into the codec's rate (libsoxr, state kept
/// across chunks) and feeds the call's playout buffer, one utterance at a time. Marks the
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
        utteranceRecord.SetOutcome(outcome);
        var t = utterance.Timeline.Snapshot();
        HostLog.UtteranceTimeline(logger, utterance.Id, outcome, t.FirstChunkNormalizedMs, t.FirstUnitsGeneratedMs, t.FirstPcmMs, t.FirstRtpPacketMs, t.LastRtpPacketMs);
        utterance.Dispose();

        // What the caller heard: up to the flush for an interrupted utterance, everything written otherwise.
        var interruptedAt = Interlocked.Read(ref _interruptedAtSample);
        var endSample = outcome == "completed" || interruptedAt < 0 ? stream.Playout.SentPosition : interruptedAt;
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
        string outcome;
        try
        {
            using var resampler = new SoxrResampler(sampleRate, stream.Playout.SampleRate);
            const int Block = 4096;
            for (var offset = 0; offset < pcm.Length; offset += Block)
            {
                await WriteAsync(resampler, pcm.Slice(offset, Math.Min(Block, pcm.Length - offset)), flush: false, interrupt.Token);
            }

            await WriteAsync(resampler, ReadOnlyMemory<short>.Empty, flush: true, interrupt.Token);
            await stream.Playout.MarkEnd().WaitAsync(interrupt.Token);
            outcome = "completed";
        }
        catch (OperationCanceledException)
        {
            outcome = "interrupted";
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

    private async Task<string> PlayAsync(Utterance utterance, CancellationToken callEnded)
    {
        SoxrResampler? resampler = null;
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
                // One resampler per utterance and call: its filter state never crosses calls.
                resampler ??= new SoxrResampler(chunk.SampleRate, stream.Playout.SampleRate);
                await WriteAsync(resampler, chunk.Samples, flush: false, stop.Token);
            }

            if (resampler is not null)
            {
                await WriteAsync(resampler, ReadOnlyMemory<short>.Empty, flush: true, stop.Token);
            }

            var last = await stream.Playout.MarkEnd().WaitAsync(stop.Token);
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
