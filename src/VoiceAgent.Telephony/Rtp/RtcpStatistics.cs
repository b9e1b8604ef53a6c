namespace VoiceAgent.Telephony.Rtp;

/// <summary>What RTCP told us about a call (RFC 3550 §6.4): the peer's view of our stream, and the round trip.</summary>
/// <param name="ReportsSent">SR/RR compounds we sent.</param>
/// <param name="ReportsReceived">RTCP compounds received from the peer.</param>
/// <param name="RoundTripMs">From the peer's last report block about us (LSR/DLSR), when it had one.</param>
/// <param name="RemoteFractionLostPercent">Share of our packets the peer lost in its last report interval.</param>
/// <param name="RemoteCumulativeLost">Our packets the peer lost in all.</param>
/// <param name="RemoteJitterMs">Interarrival jitter of our packets as the peer measured it.</param>
public sealed record RtcpStatistics(long ReportsSent, long ReportsReceived, double? RoundTripMs, double? RemoteFractionLostPercent, long? RemoteCumulativeLost, double? RemoteJitterMs);
