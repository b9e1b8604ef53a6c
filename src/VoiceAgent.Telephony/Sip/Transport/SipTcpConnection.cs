using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// One SIP connection over TCP, whichever side opened it. A reader loop frames messages by
/// Content-Length (<see cref="SipStreamFramer"/>) into the transport's incoming channel; a writer
/// loop drains this connection's own bounded send queue, so a sender only ever enqueues and never
/// waits on this peer's socket. A peer that does not read (queue full, or one write longer than
/// <see cref="TcpTransportOptions.Send"/>) costs its own connection, which is closed and counted.
/// </summary>
internal sealed class SipTcpConnection : IAsyncDisposable
{
    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();
    private static readonly Counter<long> Closed = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.tcp.closed", "{connection}", "TCP connections the host closed to defend itself, by reason (send_queue_full, send_timeout, message_timeout, idle)");

    private readonly Socket _socket;
    private readonly TcpTransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();

    // Bounded by MaxQueuedMessages, TryWrite only: a full queue closes the connection instead of waiting (one reader: the writer loop).
    private readonly Channel<PendingWrite> _writes;
    private long _queuedBytes;
    private long _lastMessage = Environment.TickCount64;
    private long _messageStarted;
    private string? _closeReason;

    public SipTcpConnection(Socket socket, IPEndPoint remote, bool inbound, TcpTransportOptions options, ILogger logger)
    {
        _socket = socket;
        _socket.NoDelay = true; // a SIP message is one write: send it now, not after the peer's delayed ACK
        Remote = remote;
        Inbound = inbound;
        _options = options;
        _logger = logger;
        _writes = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.MaxQueuedMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public IPEndPoint Remote { get; }

    /// <summary>True when the peer opened it (counted against the inbound budget).</summary>
    public bool Inbound { get; }

    /// <summary>Environment.TickCount64 of the last whole message (or keep-alive) read or written: idle is measured by messages, not bytes.</summary>
    public long LastMessage => Interlocked.Read(ref _lastMessage);

    /// <summary>Environment.TickCount64 when the first byte of the message being read arrived; 0 when none is partly read.</summary>
    public long MessageStarted => Interlocked.Read(ref _messageStarted);

    /// <summary>Connects first when we opened it, then reads and writes until either side ends; never throws for network errors.</summary>
    public async Task RunAsync(ChannelWriter<SipInbound> incoming, int maxMessageSize)
    {
        if (!Inbound && !await ConnectAsync().ConfigureAwait(false))
        {
            FailQueued();
            return;
        }

        var reading = ReadAsync(incoming, maxMessageSize);
        var writing = WriteAsync();
        await Task.WhenAny(reading, writing).ConfigureAwait(false);
        Close("closed by us", null);
        await Task.WhenAll(reading, writing).ConfigureAwait(false);
        TelephonyLog.ConnectionClosed(_logger, Remote.ToString(), _closeReason ?? "closed");
    }

    /// <summary>
    /// Queues one whole message; the task completes when it was written (true) or could not be (false).
    /// The message is in the queue, in order, before this returns: the caller may drop the task.
    /// </summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        if (_closing.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        var write = new PendingWrite(bytes, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Interlocked.Add(ref _queuedBytes, bytes.Length) > _options.MaxQueuedBytes || !_writes.Writer.TryWrite(write))
        {
            Interlocked.Add(ref _queuedBytes, -bytes.Length);
            if (!_closing.IsCancellationRequested)
            {
                TelephonyLog.SlowReaderClosed(_logger, Remote.ToString(), $"its send queue is full ({_options.MaxQueuedMessages} messages or {_options.MaxQueuedBytes} bytes)");
                Close("send queue full", "send_queue_full");
            }

            return ValueTask.FromResult(false);
        }

        return new ValueTask<bool>(write.Written.Task);
    }

    /// <summary>Closes the connection (once; the first reason wins) and counts it when <paramref name="counted"/> names a defence.</summary>
    public void Close(string reason, string? counted)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }

        if (counted is not null)
        {
            Closed.Add(1, new KeyValuePair<string, object?>("reason", counted));
        }

        _writes.Writer.TryComplete();
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private async Task<bool> ConnectAsync()
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            timeout.CancelAfter(_options.Connect);
            await _socket.ConnectAsync(Remote, timeout.Token).ConfigureAwait(false);
            TelephonyLog.ConnectionOpened(_logger, "to", Remote.ToString());
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            TelephonyLog.SendFailed(_logger, Remote.ToString(), ex is SocketException s ? $"TCP connect: {s.SocketErrorCode}" : "TCP connect timed out");
            Close("connect failed", null);
            return false;
        }
    }

    private async Task ReadAsync(ChannelWriter<SipInbound> incoming, int maxMessageSize)
    {
        var framer = new SipStreamFramer(maxMessageSize);
        var token = _closing.Token;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(framer.FreeSpace(), SocketFlags.None, token).ConfigureAwait(false);
                if (read == 0)
                {
                    Close("closed by the peer", null);
                    return;
                }

                var now = Environment.TickCount64;
                Interlocked.CompareExchange(ref _messageStarted, now, 0);
                framer.Commit(read);
                var (delivered, problem) = await DeliverAsync(framer, incoming, maxMessageSize, token).ConfigureAwait(false);
                if (problem is not null)
                {
                    TelephonyLog.StreamRejected(_logger, Remote.ToString(), problem);
                    Close(problem, null);
                    return;
                }

                // A message's clock starts at its first byte: what is left after whole messages began in this read.
                Interlocked.Exchange(ref _messageStarted, framer.Buffered == 0 ? 0 : delivered > 0 ? now : MessageStarted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or ChannelClosedException)
        {
            Close(ex is SocketException socketError ? socketError.SocketErrorCode.ToString() : "closed by us", null);
        }
    }

    /// <summary>Hands every whole message in the buffer on; returns how many, and why the stream must close (or null).</summary>
    private async ValueTask<(int Delivered, string? Problem)> DeliverAsync(SipStreamFramer framer, ChannelWriter<SipInbound> incoming, int maxMessageSize, CancellationToken token)
    {
        var delivered = 0;
        while (true)
        {
            switch (framer.Next(out var frame))
            {
                case SipFrame.Incomplete:
                    return (delivered, null);
                case SipFrame.Ping:
                    delivered++;
                    MarkMessage();
                    _ = SendAsync(Pong); // RFC 5626 §3.5.1; its outcome is the connection's
                    break;
                case SipFrame.Oversized:
                    return (delivered, $"a message over {maxMessageSize} bytes");
                case SipFrame.NoContentLength:
                    return (delivered, "a message without Content-Length (RFC 3261 §18.3 requires it on streams)");
                case SipFrame.Message:
                    delivered++;
                    MarkMessage();
                    var inbound = Parse(frame.Span, maxMessageSize);
                    // Waiting here is TCP's back-pressure: a fast sender is slowed down, nothing is dropped.
                    await incoming.WriteAsync(inbound, token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private SipInbound Parse(ReadOnlySpan<byte> frame, int maxMessageSize)
    {
        if (SipMessageParser.TryParse(frame, maxMessageSize, out var message, out var error))
        {
            if (message is SipRequest request)
            {
                ViaReceivedStamp.Apply(request, Remote);
            }

            return new SipInbound(message, null, Remote, SipTransportKind.Tcp);
        }

        TelephonyLog.Malformed(_logger, Remote.ToString(), error!.Kind.ToString(), error.Detail);
        return new SipInbound(null, error, Remote, SipTransportKind.Tcp);
    }

    /// <summary>The one writer of this socket: whole messages in queue order, each within the send timeout.</summary>
    private async Task WriteAsync()
    {
        var token = _closing.Token;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        PendingWrite? current = null;
        try
        {
            while (await _writes.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_writes.Reader.TryRead(out var write))
                {
                    current = write;
                    Interlocked.Add(ref _queuedBytes, -write.Bytes.Length);
                    deadline.CancelAfter(_options.Send);
                    for (var bytes = write.Bytes; !bytes.IsEmpty;)
                    {
                        bytes = bytes[await _socket.SendAsync(bytes, SocketFlags.None, deadline.Token).ConfigureAwait(false)..];
                    }

                    deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                    MarkMessage();
                    write.Written.TrySetResult(true);
                    current = null;
                }
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            TelephonyLog.SlowReaderClosed(_logger, Remote.ToString(), $"a write took longer than {_options.Send.TotalSeconds:0.#} s");
            Close("send timed out", "send_timeout");
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Close(ex is SocketException socketError ? socketError.SocketErrorCode.ToString() : "closed by us", null);
        }

        current?.Written.TrySetResult(false);
        FailQueued();
    }

    private void FailQueued()
    {
        _writes.Writer.TryComplete();
        while (_writes.Reader.TryRead(out var write))
        {
            write.Written.TrySetResult(false);
        }
    }

    private void MarkMessage() => Interlocked.Exchange(ref _lastMessage, Environment.TickCount64);

    public ValueTask DisposeAsync()
    {
        Close("closed by us", null);
        return ValueTask.CompletedTask;
    }

    private sealed record PendingWrite(ReadOnlyMemory<byte> Bytes, TaskCompletionSource<bool> Written);
}
