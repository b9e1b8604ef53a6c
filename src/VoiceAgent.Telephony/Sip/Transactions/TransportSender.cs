using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// The transaction layer's edge towards the transports (RFC 3261 §18): where responses go, the size
/// rule for UDP, and sending without ever waiting on one peer's socket.
/// </summary>
internal sealed class TransportSender(ISipTransport transport)
{
    private readonly ISipTransport _transport = transport;

    /// <summary>The address family our sockets use (host names resolve to it).</summary>
    public System.Net.Sockets.AddressFamily AddressFamily => _transport.LocalEndPoint.AddressFamily;

    /// <summary>Whether <paramref name="kind"/> is enabled.</summary>
    public bool Carries(SipTransportKind kind) => _transport.Carries(kind);

    /// <summary>
    /// RFC 3261 §18.1.1: a request within 200 bytes of the path MTU (1500 bytes) goes over a
    /// congestion-controlled transport; we move it to TCP when we have TCP (its top Via says so).
    /// </summary>
    public SipHop MoveLargeRequestToTcp(SipRequest request, SipHop hop)
    {
        const int UdpLimit = 1300;
        if (hop.Transport != SipTransportKind.Udp || !_transport.Carries(SipTransportKind.Tcp)
            || SipMessageSerializer.Serialize(request).Length <= UdpLimit || request.TopVia is not { } top)
        {
            return hop;
        }

        request.Headers.ReplaceFirst(SipHeaderNames.Via, top.Replace("SIP/2.0/UDP", "SIP/2.0/TCP", StringComparison.OrdinalIgnoreCase));
        if (request.Headers.Get(SipHeaderNames.Contact) is { } contact)
        {
            request.Headers.ReplaceFirst(SipHeaderNames.Contact, contact.Replace(";transport=udp", ";transport=tcp", StringComparison.OrdinalIgnoreCase));
        }

        return hop with { Transport = SipTransportKind.Tcp };
    }

    /// <summary>Sends; false when the transport could not (the failure is logged there).</summary>
    internal ValueTask<bool> SendAsync(SipMessage message, SipHop destination) => _transport.SendAsync(message, destination.EndPoint, destination.Transport, CancellationToken.None);

    /// <summary>
    /// Sends a response or an ACK, where nobody waits for the outcome: the transport has queued it
    /// (TCP, per connection, in order) or sent the datagram (UDP) when this returns, and the dispatch
    /// loop never waits on one peer's socket. A failure is logged by the transport.
    /// </summary>
    internal ValueTask SendQuietlyAsync(SipMessage message, SipHop destination)
    {
        var sending = SendAsync(message, destination);
        if (sending.IsCompleted)
        {
            _ = sending.Result; // a synchronous failure surfaces here as before
        }
        else
        {
            _ = sending.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Where a response goes: the packet's source, always. Over TCP that is the connection the request
    /// came on (§18.2.2); over UDP it is the source address and port, which is where §18.2.2 sends
    /// once §18.2.1 has stamped <c>received</c> and RFC 3581 <c>rport</c>, and what PJSIP's
    /// force_rport does for peers without rport. Nothing the message names (Via sent-by, a
    /// client-written received, maddr) can point a response at a third host.
    /// </summary>
    public static SipHop DestinationOf(IPEndPoint remote, SipTransportKind transport) => new(remote, transport);
}
