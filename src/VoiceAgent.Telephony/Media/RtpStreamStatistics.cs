namespace VoiceAgent.Telephony.Media;

/// <summary>Counters of one RTP stream, read by the API.</summary>
public sealed record RtpStreamStatistics(long PacketsSent, long BytesSent, long PacketsReceived, long MalformedReceived, long DtmfDigitsDropped);
