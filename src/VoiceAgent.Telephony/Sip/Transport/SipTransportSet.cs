using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// UDP and TCP on the same address and port, as RFC 3261 §18 asks of every element: one incoming
/// stream for the user agent, and each outgoing message on the transport it names.
/// </summary>
public sealed class SipTransportSet : ISipTransport
{
    private readonly UdpSipTransport _udp;
    private readonly TcpSipTransport? _tcp;
    // Bounded (64), WriteAsync from one pump per transport, one reader (the user agent). Kept short on
    // purpose: blocked pumps take turns for each free slot, so a UDP message waits behind at most ~64
    // others however many a TCP flood has queued in its own transport (1024 there: its back-pressure).
    private readonly Channel<SipInbound> _incoming = Channel.CreateBounded<SipInbound>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly Task _pumps;

    private SipTransportSet(UdpSipTransport udp, TcpSipTransport? tcp)
    {
        _udp = udp;
        _tcp = tcp;
        LocalEndPoint = udp.LocalEndPoint;
        _pumps = Task.WhenAll(PumpAsync(udp.Incoming), tcp is null ? Task.CompletedTask : PumpAsync(tcp.Incoming))
            .ContinueWith(_ => _incoming.Writer.TryComplete(), TaskScheduler.Default);
    }

    public IPEndPoint LocalEndPoint { get; }

    public ChannelReader<SipInbound> Incoming => _incoming.Reader;

    /// <summary>The TCP side, or null when TCP is off.</summary>
    public TcpSipTransport? Tcp => _tcp;

    public bool Carries(SipTransportKind kind) => kind == SipTransportKind.Udp || _tcp is not null;

    /// <summary>
    /// Binds UDP, and TCP on the same port unless <paramref name="tcp"/> is null. Port 0 picks a port
    /// free for both. A port in use throws <see cref="SipTransportException"/> naming it.
    /// </summary>
    public static SipTransportSet Bind(IPEndPoint endPoint, ILoggerFactory loggers, TcpTransportOptions? tcp)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = UdpSipTransport.Bind(endPoint, loggers.CreateLogger<UdpSipTransport>());
            if (tcp is null)
            {
                return new SipTransportSet(udp, null);
            }

            try
            {
                return new SipTransportSet(udp, TcpSipTransport.Listen(udp.LocalEndPoint, loggers.CreateLogger<TcpSipTransport>(), tcp));
            }
            catch (SipTransportException) when (endPoint.Port == 0 && attempt < 10)
            {
                // The port the kernel gave UDP is taken for TCP: try another.
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch
            {
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
    }

    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken)
    {
        if (transport == SipTransportKind.Tcp)
        {
            return _tcp is null ? ValueTask.FromResult(false) : _tcp.SendAsync(message, destination, transport, cancellationToken);
        }

        return _udp.SendAsync(message, destination, transport, cancellationToken);
    }

    private async Task PumpAsync(ChannelReader<SipInbound> source)
    {
        await foreach (var inbound in source.ReadAllAsync().ConfigureAwait(false))
        {
            await _incoming.Writer.WriteAsync(inbound).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _udp.DisposeAsync().ConfigureAwait(false);
        if (_tcp is not null)
        {
            await _tcp.DisposeAsync().ConfigureAwait(false);
        }

        _incoming.Writer.TryComplete();
        await _pumps.ConfigureAwait(false);
    }
}
