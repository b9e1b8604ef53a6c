namespace VoiceAgent.Pipeline.Timeline;

/// <summary>An utterance's timeline as milliseconds after acceptance (null: not reached, e.g. cancelled).</summary>
public sealed record TimelineSnapshot(
    double? FirstChunkNormalizedMs,
    double? FirstUnitsGeneratedMs,
    double? FirstPcmMs,
    double? FirstRtpPacketMs,
    double? LastRtpPacketMs);
