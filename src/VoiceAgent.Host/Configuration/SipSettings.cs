using System.Net;

namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Sip</c> section.</summary>
/// <param name="ListenAddress">Address the SIP socket binds (Sip:ListenAddress, default 0.0.0.0).</param>
/// <param name="Port">SIP port (Sip:Port, default 5060).</param>
/// <param name="PublicAddress">Host written into Contact and SDP (Sip:PublicAddress).</param>
/// <param name="MaxConcurrentCalls">Sip:MaxConcurrentCalls: more INVITEs get 503 with Retry-After (0: no limit).</param>
/// <param name="InvitesPerSecondPerSource">Sip:InvitesPerSecondPerSource: new INVITEs one address may send per second (0: no limit).</param>
/// <param name="Tcp">Sip:Tcp (default true): SIP over TCP on the same port (Sip:MaxTcpConnections, Sip:MaxTcpConnectionsPerAddress, Sip:TcpIdleTimeoutSeconds, Sip:TcpSendTimeoutSeconds, Sip:TcpMessageTimeoutSeconds); null when off.</param>
/// <param name="Admission">Who may call and how much one address may take (Sip:InboundFrom, Sip:TrustedSources, Sip:MaxCallsPerSource, Sip:RequestsPerSecondPerSource).</param>
internal sealed record SipSettings(IPAddress ListenAddress, int Port, string PublicAddress, int MaxConcurrentCalls = 500, double InvitesPerSecondPerSource = 20, VoiceAgent.Telephony.Sip.Transport.TcpTransportOptions? Tcp = null)
{
    public SipAdmissionSettings Admission { get; init; } = SipAdmissionSettings.Default;

    /// <summary>Four hours: far beyond any real conversation with a voice agent, short enough that a call nobody ends frees its port and TTS session the same day.</summary>
    public const int DefaultMaxCallDurationSeconds = 14_400;

    /// <summary>Sip:MaxCallDurationSeconds: a call up this long (from its INVITE) is hung up with end reason max-duration (zero: no limit).</summary>
    public TimeSpan MaxCallDuration { get; init; } = TimeSpan.FromSeconds(DefaultMaxCallDurationSeconds);
}
