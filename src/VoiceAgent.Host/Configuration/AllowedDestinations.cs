using System.Net;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Configuration;

/// <summary>
/// Outbound:AllowedDestinations: where <c>POST /v1/calls</c> may dial. Entries are number prefixes
/// (<c>+44</c>, <c>+1555</c>, <c>+</c> for every number: compared digit by digit after removing + and
/// separators) and SIP host patterns (<c>sip:pbx.example.com</c>, <c>sip:*.example.com</c>,
/// <c>sip:192.0.2.0/24</c>, <c>sip:*</c>). See docs/security.md for how they apply.
/// </summary>
internal sealed record AllowedDestinations(IReadOnlyList<string> NumberPrefixes, IReadOnlyList<string> HostPatterns)
{
    public static readonly AllowedDestinations None = new([], []);

    public static AllowedDestinations Load(ConfigurationReader reader)
    {
        var numbers = new List<string>();
        var hosts = new List<string>();
        foreach (var (name, value) in reader.ReadChildren("Outbound:AllowedDestinations"))
        {
            var key = $"Outbound:AllowedDestinations:{name}";
            if (value.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
            {
                var pattern = value[4..].ToLowerInvariant();
                if (!IsHostPattern(pattern))
                {
                    throw new ConfigurationException($"{key} must be sip:<host>, sip:*.<domain>, sip:<address>[/<prefix length>] or sip:*; got '{value}'.");
                }

                hosts.Add(pattern);
            }
            else if (value == "+" || OutboundNumber.Digits(value) is not null)
            {
                numbers.Add(value == "+" ? string.Empty : OutboundNumber.Digits(value)!);
            }
            else
            {
                throw new ConfigurationException($"{key} must be a number prefix (+44, +1555, + for all) or a SIP host pattern (sip:pbx.example.com, sip:*.example.com, sip:10.0.0.0/8); got '{value}'.");
            }
        }

        return new AllowedDestinations(numbers, hosts);
    }

    public bool AllowsNumber(string digits) => NumberPrefixes.Any(p => digits.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="host"/> (a lower-case name or address literal, as in <see cref="SipTarget.Host"/>) matches a host pattern.</summary>
    public bool AllowsHost(string host, IPAddress? address)
    {
        foreach (var pattern in HostPatterns)
        {
            if (pattern == "*" || pattern == host
                || (pattern.StartsWith("*.", StringComparison.Ordinal) && address is null && host.EndsWith(pattern[1..], StringComparison.Ordinal))
                || (address is not null && IPNetwork.TryParse(pattern.Trim('[', ']'), out var network) && network.Contains(address)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHostPattern(string pattern)
        => pattern == "*"
           || (pattern.StartsWith("*.", StringComparison.Ordinal) && DestinationAddress.IsHostName(pattern[2..]))
           || DestinationAddress.IsHostName(pattern)
           || IPNetwork.TryParse(pattern.Trim('[', ']'), out _)
           || DestinationAddress.TryParseLiteral(pattern, out _);
}
