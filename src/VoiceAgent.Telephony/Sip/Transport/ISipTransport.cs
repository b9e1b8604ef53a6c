using System.Net;
using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Moves SIP messages on and off the wire (RFC 3261 §18). One reader consumes <see cref="Incoming"/>.</summary>
public interface ISipTransport : IAsyncDisposable
{
    /// <summary>The address and port actually bound.</summary>
    IPEndPoint LocalEndPoint { get; }

    ChannelReader<SipInbound> Incoming { get; }

    /// <summary>Whether messages can be sent over <paramref name="kind"/>.</summary>
    bool Carries(SipTransportKind kind);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="destination"/> over <paramref name="transport"/>
    /// (over TCP: on the open connection to that address, or a new one). False when it could not be sent
    /// (no route, connection refused): §8.1.3.1 treats that like a 503 from the next hop. Never throws for network errors.
    /// </summary>
    ValueTask<bool> SendAsync(SipMessage message, IPEndPoint destination, SipTransportKind transport, CancellationToken cancellationToken);
}
