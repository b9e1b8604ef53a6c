using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// Which source addresses are ours to trust: the configured trunk proxies (names resolved at start
/// and every few minutes after, like the next hop of RFC 3263 with A/AAAA only) and the networks of
/// Sip:TrustedSources. Trusted sources may call under <see cref="InboundPolicy.Trusted"/> and are
/// exempt from the per-source limits (a trunk carries many callers from one address).
/// </summary>
internal sealed class SourceTrust(IReadOnlyList<IPNetwork> networks, IReadOnlyList<SipNextHop> trunks)
{
    private volatile IPAddress[] _trunkAddresses = [.. trunks.Select(t => IPAddress.TryParse(t.Host, out var a) ? Normalize(a) : null).OfType<IPAddress>()];

    public bool IsTrunk(IPAddress source)
    {
        var address = Normalize(source);
        foreach (var trunk in _trunkAddresses)
        {
            if (trunk.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsTrusted(IPAddress source)
    {
        if (IsTrunk(source))
        {
            return true;
        }

        var address = Normalize(source);
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Looks the trunks' host names up again (literal addresses need nothing); a name that does not resolve keeps its last addresses.</summary>
    public async Task ResolveAsync(AddressFamily family, CancellationToken cancellationToken)
    {
        var addresses = new HashSet<IPAddress>(_trunkAddresses);
        foreach (var trunk in trunks)
        {
            if (IPAddress.TryParse(trunk.Host, out _))
            {
                continue;
            }

            try
            {
                foreach (var address in await Dns.GetHostAddressesAsync(trunk.Host, family, cancellationToken).ConfigureAwait(false))
                {
                    addresses.Add(Normalize(address));
                }
            }
            catch (SocketException)
            {
            }
        }

        _trunkAddresses = [.. addresses];
    }

    public bool HasNamedTrunks => trunks.Any(t => !IPAddress.TryParse(t.Host, out _));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
