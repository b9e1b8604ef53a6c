namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Rtp</c> section: the UDP port range for media (Rtp:PortMin, Rtp:PortMax).</summary>
internal sealed record RtpSettings(int PortMin, int PortMax);
