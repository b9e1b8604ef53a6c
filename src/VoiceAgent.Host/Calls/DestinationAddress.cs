using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Host.Calls;

/// <summary>What kind of place an address is, for the rules on what the host may dial or fetch.</summary>
internal enum AddressKind
{
    /// <summary>Never a destination: unspecified, broadcast, multicast, link-local (cloud metadata lives there), known metadata addresses.</summary>
    Forbidden,

    /// <summary>This machine (127.0.0.0/8, ::1).</summary>
    Loopback,

    /// <summary>A private network: RFC 1918, RFC 6598 shared space, RFC 4193 unique local.</summary>
    Private,

    /// <summary>Anything else.</summary>
    Public,
}

/// <summary>Classifies the addresses outbound calls, webhooks and redirects may go to.</summary>
internal static class DestinationAddress
{
    // Metadata services outside link-local: AWS's IPv6 endpoint (fd00:ec2::254) and Alibaba Cloud's (100.100.100.200).
    private static readonly IPAddress[] MetadataAddresses = [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200")];

    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (MetadataAddresses.Any(address.Equals))
        {
            return AddressKind.Forbidden;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b switch
            {
                [0, ..] => AddressKind.Forbidden,                  // RFC 1122 §3.2.1.3: "this network", 0.0.0.0 included
                [169, 254, ..] => AddressKind.Forbidden,           // RFC 3927 link-local: 169.254.169.254 metadata
                [>= 224, ..] => AddressKind.Forbidden,             // multicast (RFC 5771), reserved and broadcast
                [127, ..] => AddressKind.Loopback,
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => AddressKind.Private,
                [100, >= 64 and <= 127, ..] => AddressKind.Private, // RFC 6598 carrier-grade NAT space
                _ => AddressKind.Public,
            };
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressKind.Forbidden;
        }

        if (address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return AddressKind.Forbidden;
        }

        if (IPAddress.IsLoopback(address))
        {
            return AddressKind.Loopback;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return (v6[0] & 0xfe) == 0xfc ? AddressKind.Private : AddressKind.Public; // RFC 4193 fc00::/7
    }

    /// <summary>
    /// An address written as a URI host may be: four decimal parts (no inet_aton short, octal or hex
    /// forms such as 2852039166 or 0251.0376.0251.0376, which some resolvers still read) or a bracketed IPv6 literal.
    /// </summary>
    public static bool TryParseLiteral(string host, out IPAddress? address)
    {
        address = null;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return host.Split('.') is { Length: 4 } parts
            && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0'))
            && IPAddress.TryParse(host, out address);
    }

    /// <summary>A DNS name as RFC 1123 §2.1 writes it, whose last label is not numeric (so it cannot be an address in disguise).</summary>
    public static bool IsHostName(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        var labels = host.TrimEnd('.').Split('.');
        return labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            && !labels[^1].All(char.IsAsciiDigit)
            && !labels[^1].StartsWith("0x", StringComparison.OrdinalIgnoreCase);
    }
}
