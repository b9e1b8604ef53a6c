namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Rtp</c> section: the UDP port range for media (Rtp:PortMin, Rtp:PortMax).</summary>
/// <param name="InactivityTimeout">Rtp:InactivityTimeoutSeconds: a call whose peer sends no RTP for this long is hung up (0 disables).</param>
/// <param name="StrictSource">Rtp:StrictSource: accept RTP only from the SDP address or a new source after in-sequence probation (docs/security.md).</param>
internal sealed record RtpSettings(int PortMin, int PortMax, TimeSpan InactivityTimeout, bool StrictSource = true);
