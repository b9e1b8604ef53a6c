using System.Globalization;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>
/// Our address as peers see it (Sip:PublicAddress, Sip:Port): the Via of a new request (RFC 3261
/// §8.1.1.7, with rport, RFC 3581) and our Contact (§8.1.1.8), per transport.
/// </summary>
internal sealed class SipLocalAddress(string publicAddress, int port)
{
    /// <summary>The host part of our Via and Contact (an IPv6 address in brackets).</summary>
    public string Host { get; } = FormatHost(publicAddress);

    public int Port { get; } = port;

    /// <summary>Our Contact; its transport parameter tells the peer how to reach us for requests in the dialog.</summary>
    public string ContactFor(string user, SipTransportKind transport)
        => $"<sip:{user}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)};transport={transport.UriName()}>";

    /// <summary>The Contact of our calls.</summary>
    public string OwnContact(SipTransportKind transport) => ContactFor("voiceagent", transport);

    /// <summary>Our Via for a new request: the transport it is sent over, our address, a branch and rport (RFC 3581).</summary>
    public string ViaFor(SipTransportKind transport, string branch)
        => $"SIP/2.0/{transport.ViaName()} {Host}:{Port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport";

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
