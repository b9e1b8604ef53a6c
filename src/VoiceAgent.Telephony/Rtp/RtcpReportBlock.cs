namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// One reception report block (RFC 3550 §6.4.1): what the sender of an SR/RR saw of one source.
/// </summary>
/// <param name="FractionLost">Lost since the previous report, as a fraction of 256.</param>
/// <param name="CumulativeLost">Packets lost since the beginning (24-bit signed).</param>
/// <param name="LastSenderReport">Middle 32 bits of the NTP timestamp of the last SR from that source (0: none).</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR in units of 1/65536 s.</param>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport);
