using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace VoiceAgent.Host.Configuration;

/// <summary>All settings, read and validated once at start-up.</summary>
internal sealed record VoiceAgentSettings(SipSettings Sip, RtpSettings Rtp, MediaSettings Media, TtsSettings Tts, InboundSettings Inbound, ApplicationSettings Application, StorageSettings Storage, OutboundSettings Outbound)
{
    public const string DefaultGreeting =
        "Hello, you have reached the Voice Agent demo line. Press any key on your phone and I will tell you which key you pressed. Press the hash key to hang up.";

    public const string DefaultGoodbye = "Goodbye.";

    /// <summary>Reads every section; throws <see cref="ConfigurationException"/> naming the first bad key.</summary>
    public static VoiceAgentSettings Load(IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);

        var listen = reader.ReadIpAddress("Sip:ListenAddress", "0.0.0.0");
        var port = reader.ReadInt("Sip:Port", 5060, 1, 65535);
        var publicAddress = reader.ReadString("Sip:PublicAddress", string.Empty, allowEmpty: true);
        if (publicAddress.Length == 0)
        {
            publicAddress = DefaultPublicAddress(listen).ToString();
        }
        else if (Uri.CheckHostName(publicAddress) == UriHostNameType.Unknown)
        {
            throw new ConfigurationException($"Sip:PublicAddress must be an IP address or host name; got '{publicAddress}'.");
        }

        var portMin = reader.ReadInt("Rtp:PortMin", 10000, 1024, 65534);
        var portMax = reader.ReadInt("Rtp:PortMax", 20000, 1025, 65535);
        if (portMax <= portMin)
        {
            throw new ConfigurationException($"Rtp:PortMax ({portMax}) must be greater than Rtp:PortMin ({portMin}).");
        }

        var media = MediaSettings.Load(reader);
        var tts = TtsSettings.Load(reader);

        var greeting = reader.ReadString("Inbound:Greeting", DefaultGreeting);
        var goodbye = reader.ReadString("Inbound:Goodbye", DefaultGoodbye);

        return new VoiceAgentSettings(
            new SipSettings(
                listen,
                port,
                publicAddress,
                reader.ReadInt("Sip:MaxConcurrentCalls", 500, 0, 100_000),
                reader.ReadDouble("Sip:InvitesPerSecondPerSource", 20, 0, 10_000),
                reader.ReadBool("Sip:Tcp", true)
                    ? new VoiceAgent.Telephony.Sip.Transport.TcpTransportOptions(
                        reader.ReadInt("Sip:MaxTcpConnections", 1024, 1, 100_000),
                        TimeSpan.FromSeconds(reader.ReadInt("Sip:TcpIdleTimeoutSeconds", 300, 10, 86_400)),
                        MaxConnectionsPerAddress: reader.ReadInt("Sip:MaxTcpConnectionsPerAddress", 32, 1, 100_000),
                        SendTimeout: TimeSpan.FromSeconds(reader.ReadInt("Sip:TcpSendTimeoutSeconds", 10, 1, 300)),
                        MessageTimeout: TimeSpan.FromSeconds(reader.ReadInt("Sip:TcpMessageTimeoutSeconds", 10, 1, 300)))
                    : null)
            {
                Admission = SipAdmissionSettings.Load(reader),
                MaxCallDuration = TimeSpan.FromSeconds(reader.ReadInt("Sip:MaxCallDurationSeconds", SipSettings.DefaultMaxCallDurationSeconds, 0, 604_800)),
            },
            new RtpSettings(portMin, portMax, TimeSpan.FromSeconds(reader.ReadInt("Rtp:InactivityTimeoutSeconds", 30, 0, 3600)), reader.ReadBool("Rtp:StrictSource", true)),
            media,
            tts,
            new InboundSettings(greeting, goodbye, reader.ReadChildren("Inbound:Voices").ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase)),
            ApplicationSettings.Load(reader),
            StorageSettings.Load(reader),
            OutboundSettings.Load(reader));
    }

    /// <summary>
    /// The listen address itself, or when listening on any address the primary interface's
    /// address: the first interface that is up, not loopback, and has an IPv4 gateway.
    /// </summary>
    private static IPAddress DefaultPublicAddress(IPAddress listen)
    {
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen;
        }

        IPAddress? fallback = null;
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            foreach (var unicast in properties.UnicastAddresses)
            {
                if (unicast.Address.AddressFamily != AddressFamily.InterNetwork)
                {
                    continue;
                }

                if (properties.GatewayAddresses.Count > 0)
                {
                    return unicast.Address;
                }

                fallback ??= unicast.Address;
            }
        }

        return fallback ?? IPAddress.Loopback;
    }
}
