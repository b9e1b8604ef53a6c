namespace VoiceAgent.Telephony.Media;

/// <summary>Counters of one RTP stream, read by the API. Loss and jitter follow RFC 3550 A.1 and A.8.</summary>
public sealed record RtpStreamStatistics(
    long PacketsSent,
    long BytesSent,
    long PacketsReceived,
    long MalformedReceived,
    long DtmfDigitsDropped,
    long PacketsLost,
    long PacketsLate,
    double JitterMs,
    Rtp.RtcpStatistics? Rtcp = null);
