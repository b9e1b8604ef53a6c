using System.Net;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>Where a message goes next: an address, and the transport that reaches it.</summary>
public readonly record struct SipHop(IPEndPoint EndPoint, SipTransportKind Transport)
{
    public override string ToString() => $"{EndPoint} ({Transport.ViaName()})";
}
