using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// A call's shallow queue of PCM between the speech pipeline (one writer) and the media clock
/// (one reader). Single-producer single-consumer ring without locks: the writer advances
/// <c>_written</c>, the clock advances <c>_read</c>. The writer is held about
/// <see cref="HighWaterSamples"/> ahead of the clock so a flush (barge-in) silences the call within a frame.
/// </summary>
public sealed class PlayoutBuffer
{
    private readonly short[] _ring;
    private readonly ConcurrentQueue<PlayoutMark> _marks = new();
    private long _written;
    private long _read;
    private long _endOfAudio = -1;
    private volatile bool _clearRequested;
    private readonly SpaceSignal _spaceAvailable = new();

    /// <param name="sampleRate">Codec sample rate (8000 for G.711).</param>
    /// <param name="maxAhead">How far the writer may run ahead of the clock (default 100 ms).</param>
    public PlayoutBuffer(int sampleRate, TimeSpan? maxAhead = null)
    {
        SampleRate = sampleRate;
        HighWaterSamples = (int)(sampleRate * (maxAhead ?? TimeSpan.FromMilliseconds(100)).TotalSeconds);
        _ring = new short[HighWaterSamples * 2];
    }

    public int SampleRate { get; }

    public int HighWaterSamples { get; }

    /// <summary>Samples written since the buffer was created (a position in the playout stream).</summary>
    public long WrittenPosition => Volatile.Read(ref _written);

    /// <summary>Samples sent (or dropped by a flush) since the buffer was created.</summary>
    public long SentPosition => Volatile.Read(ref _read);

    /// <summary>Samples queued and not yet sent.</summary>
    public int Queued => (int)(Volatile.Read(ref _written) - Volatile.Read(ref _read));

    /// <summary>Queues PCM, waiting (backpressure) while the queue is at its high-water mark.</summary>
    /// <remarks>The state machine is pooled: a writer that waits once per frame allocates nothing in steady state.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < pcm.Length)
        {
            // Checked before every copy, not only while waiting: after a flush (barge-in) the
            // writer of the interrupted utterance must not slip more of it into the queue.
            cancellationToken.ThrowIfCancellationRequested();
            var free = HighWaterSamples - Queued;
            if (free <= 0)
            {
                var wait = _spaceAvailable.WaitAsync(cancellationToken);
                if (HighWaterSamples - Queued <= 0)
                {
                    await wait.ConfigureAwait(false);
                }
                else
                {
                    _spaceAvailable.Set(); // space appeared while arming: consume our own signal
                    await wait.ConfigureAwait(false);
                }

                continue;
            }

            var count = Math.Min(free, pcm.Length - offset);
            var position = Volatile.Read(ref _written);
            // Copy into the ring in at most two runs (before and after the wrap), not sample by sample.
            var source = pcm.Span.Slice(offset, count);
            var start = (int)(position % _ring.Length);
            var firstRun = Math.Min(count, _ring.Length - start);
            source[..firstRun].CopyTo(_ring.AsSpan(start));
            source[firstRun..].CopyTo(_ring);

            Volatile.Write(ref _written, position + count);
            offset += count;
        }
    }

    /// <summary>Completes with the send timestamp (Stopwatch ticks) of the first packet carrying audio written after this call.</summary>
    public Task<long> MarkStart() => AddMark(Volatile.Read(ref _written), isStart: true);

    /// <summary>
    /// Completes when all audio written before this call has been sent. Also lets the clock send a
    /// final partial frame (padded with silence) instead of waiting for more samples.
    /// </summary>
    public Task<long> MarkEnd()
    {
        var position = Volatile.Read(ref _written);
        Volatile.Write(ref _endOfAudio, position);
        return AddMark(position, isStart: false);
    }

    /// <summary>Drops everything queued (barge-in). The clock applies it at its next frame; pending marks are cancelled.</summary>
    public void Clear() => _clearRequested = true;

    private Task<long> AddMark(long position, bool isStart)
    {
        var mark = new PlayoutMark(position, isStart);
        _marks.Enqueue(mark);
        return mark.Completion.Task;
    }

    /// <summary>True when a whole frame of speech (or the end of an utterance) is ready to send.</summary>
    internal bool HasSpeechReady(int frameLength)
    {
        if (_clearRequested)
        {
            return false;
        }

        var read = Volatile.Read(ref _read);
        var available = Volatile.Read(ref _written) - read;
        return available >= frameLength || (available > 0 && Volatile.Read(ref _endOfAudio) >= read + available);
    }

    /// <summary>
    /// Called by the media clock once per frame: fills <paramref name="frame"/> with the next
    /// samples. Returns false when there is no speech to send (the clock sends silence).
    /// </summary>
    internal bool TryReadFrame(Span<short> frame)
    {
        if (_clearRequested)
        {
            _clearRequested = false;
            Volatile.Write(ref _read, Volatile.Read(ref _written));
            while (_marks.TryDequeue(out var dropped))
            {
                dropped.Completion.TrySetCanceled();
            }

            // The queue is empty now: a writer waiting for space must wake (to see its cancellation or go on).
            _spaceAvailable.Set();
        }

        var read = Volatile.Read(ref _read);
        var available = Volatile.Read(ref _written) - read;
        var endOfAudio = Volatile.Read(ref _endOfAudio);
        if (available <= 0 || (available < frame.Length && endOfAudio < read + available))
        {
            CompleteMarks(read, sent: false);
            return false;
        }

        var count = (int)Math.Min(available, frame.Length);
        for (var i = 0; i < count; i++)
        {
            frame[i] = _ring[(read + i) % _ring.Length];
        }

        frame[count..].Clear();
        Volatile.Write(ref _read, read + count);
        CompleteMarks(read + count, sent: true);
        // Wake a waiting writer after every frame: it refills at once, so the queue stays near its
        // high-water mark and a slow thread-pool wake-up (tens of ms on a loaded box) cannot drain it.
        _spaceAvailable.Set();

        return true;
    }

    private void CompleteMarks(long sentUpTo, bool sent)
    {
        while (_marks.TryPeek(out var mark))
        {
            // A start mark needs the packet carrying its first sample; an end mark only needs everything before it sent.
            var reached = mark.IsStart ? sent && mark.Position < sentUpTo : mark.Position <= sentUpTo;
            if (!reached)
            {
                return;
            }

            _marks.TryDequeue(out _);
            mark.Completion.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    private sealed class PlayoutMark(long position, bool isStart)
    {
        public long Position { get; } = position;

        public bool IsStart { get; } = isStart;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
