using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// The one writer on an application's WebSocket (sends must not overlap), behind a bounded queue, so
/// a stalled socket costs its own connection and never the host's memory: when the queue is full,
/// media frames are dropped (counted); an event that does not fit (a mark, a digit, stop) means the
/// peer has not read for seconds, and the socket is aborted (counted), which ends the stream.
/// </summary>
internal sealed class WebSocketSendQueue
{
    /// <summary>About 5 s of caller audio at 50 frames a second, plus the events between them.</summary>
    public const int Capacity = 256;

    private static readonly Counter<long> MediaDropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.stream.media.dropped", "{message}", "Media frames for a WebSocket application dropped because its send queue was full (the socket stalled).");

    private static readonly Counter<long> StalledAborted = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.stream.stalled", "{connection}", "Application WebSockets aborted because an event found their send queue full.");

    // Bounded (Capacity), written only with TryWrite: a full queue is the stalled-socket signal, never a wait. One reader, the send loop.
    private readonly Channel<PooledMessage> _queue = Channel.CreateBounded<PooledMessage>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly WebSocket _socket;
    private readonly Action _onFirstDrop;
    private volatile bool _completed;
    private int _dropped;
    private int _aborted;

    /// <param name="onFirstDrop">Called once, when the first media frame is dropped (for one log line per stream).</param>
    public WebSocketSendQueue(WebSocket socket, Action onFirstDrop)
    {
        _socket = socket;
        _onFirstDrop = onFirstDrop;
    }

    /// <summary>Media frames dropped so far because the queue was full.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>True when the socket was aborted because an event found the queue full.</summary>
    public bool Aborted => Volatile.Read(ref _aborted) == 1;

    /// <summary>Queues <paramref name="message"/>; never waits. The queue owns the buffer from here on.</summary>
    public void Enqueue(PooledMessage message)
    {
        if (_queue.Writer.TryWrite(message))
        {
            return;
        }

        message.Return();
        if (_completed)
        {
            return; // the stream is over: late frames have nowhere to go
        }

        if (message.IsMedia)
        {
            MediaDropped.Add(1);
            if (Interlocked.Increment(ref _dropped) == 1)
            {
                _onFirstDrop();
            }

            return;
        }

        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            StalledAborted.Add(1);
            _socket.Abort();
        }
    }

    /// <summary>No more messages: the send loop ends once it has sent what is queued.</summary>
    public void Complete()
    {
        _completed = true;
        _queue.Writer.TryComplete();
    }

    /// <summary>Sends queued messages in order until <see cref="Complete"/>; a broken socket ends it with the exception.</summary>
    public async Task RunAsync()
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    if (_socket.State == WebSocketState.Open)
                    {
                        await _socket.SendAsync(message.Memory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                }
                finally
                {
                    message.Return();
                }
            }
        }
        finally
        {
            _completed = true;
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Return();
            }
        }
    }
}
