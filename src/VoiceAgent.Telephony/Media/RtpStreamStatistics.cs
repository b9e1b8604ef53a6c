namespace VoiceAgent.Telephony.Media;

/// <summary>
/// Counters of one RTP stream, read by the API. Loss and jitter follow RFC 3550 A.1 and A.8.
/// <see cref="PacketsRejected"/>: well-formed packets dropped by strict source learning (another
/// source than the peer's, or a new source on probation); <see cref="PacketsReceived"/> counts only admitted ones.
/// </summary>
public sealed record RtpStreamStatistics(
    long PacketsSent,
    long BytesSent,
    long PacketsReceived,
    long MalformedReceived,
    long DtmfDigitsDropped,
    long PacketsLost,
    long PacketsLate,
    double JitterMs,
    Rtp.RtcpStatistics? Rtcp = null,
    long PacketsRejected = 0);
