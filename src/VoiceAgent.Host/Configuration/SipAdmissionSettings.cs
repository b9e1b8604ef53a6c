using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Configuration;

/// <summary>
/// Who may call and how much one address may take (the <c>Sip</c> keys of the security model):
/// Sip:InboundFrom, Sip:TrustedSources, Sip:MaxCallsPerSource, Sip:RequestsPerSecondPerSource.
/// </summary>
/// <param name="InboundFrom">trusted (default: trunks and Sip:TrustedSources may call) or any.</param>
/// <param name="TrustedSources">CIDR networks trusted like a trunk: they may call, and skip the per-source limits (default <c>local</c>: this machine).</param>
/// <param name="MaxCallsPerSource">Inbound calls one address may have at once (0: no cap).</param>
/// <param name="RequestsPerSecondPerSource">Requests other than INVITE and ACK per second from one address (bursts of 4x); more are dropped (0: no limit).</param>
internal sealed record SipAdmissionSettings(InboundPolicy InboundFrom, IReadOnlyList<IPNetwork> TrustedSources, int MaxCallsPerSource, double RequestsPerSecondPerSource)
{
    /// <summary>
    /// <c>local</c>, this machine: loopback (127.0.0.0/8, ::1) and the addresses of its own interfaces (a phone
    /// on this machine dialling its LAN address comes from that address). The README's first call (baresip on
    /// 127.0.0.1) and a proxy on the same machine work without configuration.
    /// </summary>
    public const string DefaultTrustedSources = "local";

    public static SipAdmissionSettings Default { get; } = new(InboundPolicy.Trusted, ThisMachine(), 50, 50);

    public static SipAdmissionSettings Load(ConfigurationReader reader)
    {
        var inboundText = reader.ReadString("Sip:InboundFrom", "trusted");
        var inbound = inboundText.ToLowerInvariant() switch
        {
            "trusted" => InboundPolicy.Trusted,
            "any" => InboundPolicy.Any,
            _ => throw new ConfigurationException($"Sip:InboundFrom must be trusted or any; got '{inboundText}'."),
        };

        var networks = new List<IPNetwork>();
        foreach (var item in reader.ReadString("Sip:TrustedSources", DefaultTrustedSources, allowEmpty: true).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Equals("local", StringComparison.OrdinalIgnoreCase))
            {
                networks.AddRange(ThisMachine());
            }
            else
            {
                networks.Add(ParseNetwork(item));
            }
        }

        return new SipAdmissionSettings(
            inbound,
            networks,
            reader.ReadInt("Sip:MaxCallsPerSource", Default.MaxCallsPerSource, 0, 100_000),
            reader.ReadDouble("Sip:RequestsPerSecondPerSource", Default.RequestsPerSecondPerSource, 0, 100_000));
    }

    /// <summary>Loopback and the addresses of this machine's interfaces that are up, each as a single-address network.</summary>
    private static List<IPNetwork> ThisMachine()
    {
        var networks = new List<IPNetwork> { IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128") };
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.IsIPv6LinkLocal)
                {
                    continue;
                }

                var address = new IPAddress(unicast.Address.GetAddressBytes()); // without an IPv6 scope id
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        }

        return networks;
    }

    /// <summary>A CIDR (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>) or a single address.</summary>
    private static IPNetwork ParseNetwork(string text)
    {
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new ConfigurationException(string.Create(CultureInfo.InvariantCulture, $"Sip:TrustedSources must be a comma-separated list of CIDR networks, addresses or local (this machine), e.g. local, 192.0.2.0/24, 198.51.100.7; got '{text}'."));
    }
}
