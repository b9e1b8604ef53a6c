using System.Globalization;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// A next hop as configured or as a URI names it: host (a name or an address), port and transport.
/// Names are looked up when the hop is used (RFC 3263 §4.2 with A/AAAA records only, no NAPTR/SRV),
/// so a trunk that moves is followed without a restart.
/// </summary>
public sealed record SipNextHop(string Host, int Port, SipTransportKind Transport)
{
    /// <summary>RFC 3261 §19.1.2: the default SIP port for UDP and TCP.</summary>
    public const int DefaultPort = 5060;

    /// <summary>
    /// Reads <c>host</c>, <c>host:port</c>, <c>[v6]:port</c> or a <c>sip:</c> URI, each with an optional
    /// <c>;transport=udp|tcp</c>. False for anything else (with why).
    /// </summary>
    public static bool TryParse(string text, out SipNextHop? hop, out string? error)
    {
        hop = null;
        error = null;
        var uriText = text.Trim();
        if (!uriText.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            uriText = "sip:" + uriText;
        }

        if (!SipUri.TryParse(uriText, out var uri) || !uri!.IsSip || uri.Scheme == "sips" || uri.Host.Length == 0)
        {
            error = "not a host[:port][;transport=udp|tcp] or a sip: URI";
            return false;
        }

        hop = FromUri(uri, out error);
        return hop is not null;
    }

    /// <summary>The hop a sip: URI names (its maddr is not used; transport from its parameter, UDP by default).</summary>
    public static SipNextHop? FromUri(SipUri uri, out string? error)
    {
        error = null;
        var transport = SipTransportKind.Udp;
        if (uri.GetParameter("transport") is { } named && !SipTransportKinds.TryParse(named, out transport))
        {
            error = $"transport '{named}' is not supported (udp or tcp)";
            return null;
        }

        if (uri.Port is <= 0 or > 65535)
        {
            error = $"port {uri.Port} is out of range";
            return null;
        }

        return new SipNextHop(uri.Host.Trim('[', ']'), uri.Port ?? DefaultPort, transport);
    }

    public static SipNextHop FromEndPoint(IPEndPoint endPoint, SipTransportKind transport = SipTransportKind.Udp)
        => new(endPoint.Address.ToString(), endPoint.Port, transport);

    /// <summary>The address to send to (of <paramref name="family"/>, the family our sockets use), or null when the name does not resolve.</summary>
    public async Task<SipHop?> ResolveAsync(AddressFamily family, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var literal))
        {
            return new SipHop(new IPEndPoint(literal, Port), Transport);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(Host, family, cancellationToken).ConfigureAwait(false);
            return addresses.Length > 0 ? new SipHop(new IPEndPoint(addresses[0], Port), Transport) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return $"{host}:{Port.ToString(CultureInfo.InvariantCulture)};transport={Transport.UriName()}";
    }
}
