using System.Buffers;
using System.Diagnostics.Metrics;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Audio an application streams into a call. Applications send audio faster than real time, so it
/// is queued here (in order with its marks) and a writer feeds the call's playout buffer at the
/// pace of the media clock; the socket reader never waits, so a <c>clear</c> acts at once instead of
/// behind seconds of queued audio. μ-law 8 kHz is decoded and resampled (libsoxr, state kept across
/// messages) to the call's codec rate. The queue is bounded by the audio it holds
/// (<see cref="MaxQueuedBytes"/>, two minutes): audio past it is dropped and a mark past it is echoed at
/// once, both counted. Audio arrives in pooled buffers, and decoding reuses this writer's own buffers.
/// </summary>
internal sealed class StreamPlayback : IAsyncDisposable
{
    /// <summary>Two minutes of 8 kHz μ-law: more than any prompt an application sends ahead, far below a memory risk.</summary>
    public const int MaxQueuedBytes = 8000 * 120;

    /// <summary>Items (audio messages and marks) queued at most; audio comes 20 ms a message from Twilio-style applications.</summary>
    public const int MaxQueuedItems = 8192;

    private static readonly Counter<long> Dropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.stream.playback.dropped", "{message}", "Media and marks from a streaming application dropped (marks echoed at once) because its playback queue was full.");

    private readonly PlayoutBuffer _playout;
    private readonly Action<string> _markReached;
    private readonly Action? _onFull;
    private readonly Lock _gate = new();
    // Bounded by MaxQueuedBytes and MaxQueuedItems under _gate (a queue, not a channel: Clear must drop all of it at once).
    private readonly Queue<Item> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _stopped = new();
    private readonly Task _writer;
    private CancellationTokenSource _generation = new();
    private readonly PlayoutWriter _output;
    private short[] _pcm = new short[160];
    private int _queuedBytes;
    private bool _fullReported;

    /// <param name="markReached">Called with a mark's name once the audio before it was sent or cleared.</param>
    /// <param name="onFull">Called once, the first time the queue is full.</param>
    public StreamPlayback(PlayoutBuffer playout, Action<string> markReached, Action? onFull = null)
    {
        _playout = playout;
        _markReached = markReached;
        _onFull = onFull;
        _output = new PlayoutWriter(playout, 8000);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues <paramref name="length"/> bytes of μ-law from a buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the queue now owns.</summary>
    public void EnqueueMuLaw(byte[] rented, int length) => Enqueue(new Item(rented, length, null));

    public void EnqueueMark(string name) => Enqueue(new Item(null, 0, name));

    /// <summary>Bytes of audio queued and not yet handed to the playout buffer.</summary>
    public int QueuedBytes
    {
        get
        {
            lock (_gate)
            {
                return _queuedBytes;
            }
        }
    }

    /// <summary>Drops the queued audio and what the playout buffer holds; marks still queued come back at once.</summary>
    public void Clear()
    {
        List<string> dropped;
        lock (_gate)
        {
            dropped = [.. _queue.Where(i => i.Mark is not null).Select(i => i.Mark!)];
            foreach (var item in _queue)
            {
                item.Return();
            }

            _queue.Clear();
            _queuedBytes = 0;
            _generation.Cancel();
            _generation.Dispose();
            _generation = new CancellationTokenSource();
        }

        _playout.Clear();
        foreach (var mark in dropped)
        {
            _markReached(mark);
        }
    }

    private void Enqueue(Item item)
    {
        bool full;
        var report = false;
        lock (_gate)
        {
            full = _queue.Count >= MaxQueuedItems || _queuedBytes + item.Length > MaxQueuedBytes;
            if (!full)
            {
                _queue.Enqueue(item);
                _queuedBytes += item.Length;
            }
            else if (!_fullReported)
            {
                _fullReported = report = true;
            }
        }

        if (!full)
        {
            _available.Release();
            return;
        }

        Dropped.Add(1);
        if (report)
        {
            _onFull?.Invoke();
        }

        item.Return();
        if (item.Mark is { } mark)
        {
            _markReached(mark); // as a clear does: the application still learns the mark is behind it
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _available.WaitAsync(_stopped.Token);
                Item item;
                CancellationToken generation;
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out item!))
                    {
                        continue; // cleared since it was queued
                    }

                    _queuedBytes -= item.Length;

                    generation = _generation.Token;
                }

                if (item.Mark is { } mark)
                {
                    _ = EchoWhenPlayedAsync(_playout.MarkEnd(), mark);
                    continue;
                }

                try
                {
                    await WriteAsync(item.Audio.AsMemory(0, item.Length), generation);
                }
                catch (OperationCanceledException) when (generation.IsCancellationRequested && !_stopped.IsCancellationRequested)
                {
                    _output.Reset(); // its filter history belongs to the dropped audio
                }
                finally
                {
                    item.Return();
                }
            }
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
        }
    }

    private async Task EchoWhenPlayedAsync(Task<long> played, string mark)
    {
        try
        {
            await played;
        }
        catch (OperationCanceledException)
        {
            // Dropped by a clear: Twilio echoes such marks too.
        }

        _markReached(mark);
    }

    /// <summary>Decodes into this writer's own buffers (one writer loop; the playout buffer copies before it returns).</summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> mulaw, CancellationToken cancellationToken)
    {
        if (_pcm.Length < mulaw.Length)
        {
            _pcm = new short[mulaw.Length];
        }

        var pcm = _pcm.AsMemory(0, mulaw.Length);
        G711MuLawCodec.Instance.Decode(mulaw.Span, pcm.Span);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopped.Token);
        await _output.WriteAsync(pcm, linked.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync();
        await _writer.ContinueWith(_ => { }, TaskScheduler.Default);
        _output.Dispose();
        _generation.Dispose();
        _stopped.Dispose();
        _available.Dispose();
    }

    /// <summary>Audio (a rented buffer and its length) or a mark.</summary>
    private sealed record Item(byte[]? Audio, int Length, string? Mark)
    {
        public void Return()
        {
            if (Audio is not null)
            {
                ArrayPool<byte>.Shared.Return(Audio);
            }
        }
    }
}
