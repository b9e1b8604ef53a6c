using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// SIP over UDP (RFC 3261 §18): one socket, one receive loop. Each datagram is one message
/// (§18.3); anything that does not parse is handed on as an error so the UA can answer 400, and
/// nothing a datagram contains can end the loop.
/// </summary>
public sealed class UdpSipTransport : ISipTransport
{
    private readonly Socket _socket;
    private readonly Channel<SipInbound> _incoming;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly int _maxMessageSize;
    private readonly Task _receiveLoop;
    private long _dropped;

    private UdpSipTransport(Socket socket, int maxMessageSize, ILogger logger)
    {
        _socket = socket;
        _maxMessageSize = maxMessageSize;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        // Bounded: a flood waits in the kernel buffer rather than in our memory; overflow drops the
        // oldest datagram (UDP semantics, the sender retransmits) and is counted.
        _incoming = Channel.CreateBounded<SipInbound>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public bool Carries(SipTransportKind kind) => kind == SipTransportKind.Udp;

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    /// <summary>Datagrams dropped because the UA fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Binds the socket. A port in use throws <see cref="SipTransportException"/> naming the address and port.</summary>
    public static UdpSipTransport Bind(IPEndPoint endPoint, ILogger<UdpSipTransport> logger, int maxMessageSize = SipMessageParser.DefaultMaxMessageSize)
    {
        // A larger kernel buffer rides out bursts (a flood of garbage, many calls starting at once).
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        try
        {
            socket.Bind(endPoint);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use" : ex.Message;
            throw new SipTransportException($"SIP UDP port {endPoint} is {why}", ex);
        }

        return new UdpSipTransport(socket, maxMessageSize, logger);
    }

    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        if (transport != SipTransportKind.Udp)
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, "This transport carries UDP only.");
        }

        var bytes = SipMessageSerializer.Serialize(message);
        try
        {
            await _socket.SendToAsync(bytes, SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException ex)
        {
            TelephonyLog.SendFailed(_logger, destination.ToString(), ex.SocketErrorCode.ToString());
            return false;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65_536];
        var any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // ICMP errors from earlier sends surface here on Linux.
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes);
            if (SipMessageParser.TryParse(datagram, _maxMessageSize, out var message, out var error))
            {
                if (message is SipRequest request)
                {
                    ViaReceivedStamp.Apply(request, remote);
                }

                _incoming.Writer.TryWrite(new SipInbound(message, null, remote));
            }
            else
            {
                TelephonyLog.Malformed(_logger, remote.ToString(), error!.Kind.ToString(), error.Detail);
                _incoming.Writer.TryWrite(new SipInbound(null, error, remote));
            }
        }

        _incoming.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
