using System.Globalization;
using System.Net;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The callee of <c>POST /v1/calls</c> when it is a sip: URI, read strictly: <c>sip:user@host[:port][;transport=udp|tcp]</c>,
/// nothing else. The user part is letters, digits and <c>+ . _ -</c> (so it cannot close the To header's
/// angle brackets or add a second value), the host an IPv4 address in four decimal parts, a bracketed
/// IPv6 address or a DNS name, and there are no other parameters and no headers (RFC 3261 §19.1.1 allows
/// more; we dial what we can check).
/// </summary>
internal sealed record SipTarget(string User, string Host, IPAddress? Address, int? Port, string? Transport)
{
    /// <summary>The URI as it goes into the Request-URI and To.</summary>
    public string Uri
    {
        get
        {
            var port = Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
            var transport = Transport is { } t ? ";transport=" + t : string.Empty;
            return $"sip:{User}@{Host}{port}{transport}";
        }
    }

    /// <summary>True when the user part is a telephone number (digits, an optional leading +, visual separators - and .), which a trunk or PBX would route on.</summary>
    public bool UserIsNumber => OutboundNumber.Digits(User) is not null;

    public static bool TryParse(string text, out SipTarget? target, out string error)
    {
        target = null;
        error = string.Empty;
        if (!text.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            error = "must start with sip:";
            return false;
        }

        var rest = text[4..];
        if (rest.IndexOfAny(['?', '<', '>', ',', '"', ' ', '\t', '\r', '\n']) >= 0)
        {
            error = "must be sip:user@host[:port][;transport=udp|tcp] without headers, brackets, commas or spaces";
            return false;
        }

        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            error = "needs a user part (sip:user@host)";
            return false;
        }

        var user = rest[..at];
        if (!Configuration.OutboundCallRules.IsValidUser(user))
        {
            error = "the user part must be letters, digits, + . _ - (at most 64 characters)";
            return false;
        }

        var hostPart = rest[(at + 1)..];
        string? transport = null;
        var semicolon = hostPart.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            var parameter = hostPart[(semicolon + 1)..].ToLowerInvariant();
            hostPart = hostPart[..semicolon];
            if (parameter is not ("transport=udp" or "transport=tcp"))
            {
                error = "the only parameter allowed is ;transport=udp or ;transport=tcp";
                return false;
            }

            transport = parameter["transport=".Length..];
        }

        int? port = null;
        var host = hostPart;
        var colon = hostPart.LastIndexOf(':');
        if (colon >= 0 && colon > hostPart.LastIndexOf(']'))
        {
            host = hostPart[..colon];
            if (!int.TryParse(hostPart.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedPort) || parsedPort is < 1 or > 65535)
            {
                error = "the port must be from 1 to 65535";
                return false;
            }

            port = parsedPort;
        }

        host = host.ToLowerInvariant();
        if (DestinationAddress.TryParseLiteral(host, out var address))
        {
            target = new SipTarget(user, host, address, port, transport);
            return true;
        }

        if (!DestinationAddress.IsHostName(host))
        {
            error = $"'{host}' is not an IPv4 address (four decimal parts), a bracketed IPv6 address or a host name";
            return false;
        }

        target = new SipTarget(user, host, null, port, transport);
        return true;
    }
}
