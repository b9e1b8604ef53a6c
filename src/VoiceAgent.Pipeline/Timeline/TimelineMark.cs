namespace VoiceAgent.Pipeline.Timeline;

/// <summary>The points of an utterance's timeline, in the order the speech path reaches them.</summary>
public enum TimelineMark
{
    /// <summary>The text was accepted by the session.</summary>
    Accepted,
    /// <summary>Stage 1 finished normalizing and tokenizing the first chunk.</summary>
    FirstChunkNormalized,
    /// <summary>Stage 2 produced the first acoustic units (espeak: the first PCM of its synthesis).</summary>
    FirstUnitsGenerated,
    /// <summary>Stage 3 delivered the first PCM to the consumer.</summary>
    FirstPcm,
    /// <summary>The first RTP packet carrying this utterance's audio left the host.</summary>
    FirstRtpPacket,
    /// <summary>The last RTP packet carrying this utterance's audio left the host.</summary>
    LastRtpPacket,
}
