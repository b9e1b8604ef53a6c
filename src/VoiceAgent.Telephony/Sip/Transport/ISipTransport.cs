using System.Net;
using System.Threading.Channels;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Moves SIP messages on and off the wire (RFC 3261 §18). One reader consumes <see cref="Incoming"/>.</summary>
public interface ISipTransport : IAsyncDisposable
{
    /// <summary>The address and port actually bound.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>"UDP" or "TCP", as written in Via.</summary>
    string Protocol { get; }

    ChannelReader<SipInbound> Incoming { get; }

    ValueTask SendAsync(SipMessage message, IPEndPoint destination, CancellationToken cancellationToken);
}
