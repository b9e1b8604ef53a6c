using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// One SIP connection over TCP, whichever side opened it: reads messages framed by Content-Length
/// (<see cref="SipStreamFramer"/>) into the transport's incoming channel, answers keep-alive pings,
/// and writes whole messages one at a time (two writers must never interleave their bytes).
/// </summary>
internal sealed class SipTcpConnection : IAsyncDisposable
{
    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();
    private readonly Socket _socket;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly ILogger _logger;
    private long _lastActivity = Environment.TickCount64;
    private int _disposed;

    public SipTcpConnection(Socket socket, ILogger logger)
    {
        _socket = socket;
        _socket.NoDelay = true; // a SIP message is one write: send it now, not after the peer's delayed ACK
        _logger = logger;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
    }

    public IPEndPoint Remote { get; }

    /// <summary>Milliseconds (Environment.TickCount64) of the last byte read or written.</summary>
    public long LastActivity => Interlocked.Read(ref _lastActivity);

    /// <summary>Reads until the peer closes, the stream turns bad, or <see cref="DisposeAsync"/>.</summary>
    public async Task ReadAsync(ChannelWriter<SipInbound> incoming, int maxMessageSize)
    {
        var framer = new SipStreamFramer(maxMessageSize);
        var token = _closing.Token;
        var why = "closed by the peer";
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(framer.FreeSpace(), SocketFlags.None, token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                Touch();
                framer.Commit(read);
                if (await DeliverAsync(framer, incoming, maxMessageSize, token).ConfigureAwait(false) is { } problem)
                {
                    why = problem;
                    TelephonyLog.StreamRejected(_logger, Remote.ToString(), problem);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or ChannelClosedException)
        {
            why = ex is SocketException socketError ? socketError.SocketErrorCode.ToString() : "closed by us";
        }

        TelephonyLog.ConnectionClosed(_logger, Remote.ToString(), why);
    }

    /// <summary>Hands every whole message in the buffer on; returns why the stream must close, or null.</summary>
    private async ValueTask<string?> DeliverAsync(SipStreamFramer framer, ChannelWriter<SipInbound> incoming, int maxMessageSize, CancellationToken token)
    {
        while (true)
        {
            switch (framer.Next(out var frame))
            {
                case SipFrame.Incomplete:
                    return null;
                case SipFrame.Ping:
                    await SendAsync(Pong, token).ConfigureAwait(false);
                    break;
                case SipFrame.Oversized:
                    return $"a message over {maxMessageSize} bytes";
                case SipFrame.NoContentLength:
                    return "a message without Content-Length (RFC 3261 §18.3 requires it on streams)";
                case SipFrame.Message:
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

    /// <summary>Writes one whole message; false when the connection is gone.</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[sent..];
            }

            Touch();
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _writing.Release();
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);

    public ValueTask DisposeAsync()
    {
        // Both the reader (when the stream ends) and the transport (idle, shutdown) close connections.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
