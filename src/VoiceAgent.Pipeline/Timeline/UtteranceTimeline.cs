using System.Diagnostics;

namespace VoiceAgent.Pipeline.Timeline;

/// <summary>
/// Monotonic timestamps of one utterance's way from text to the wire. Each mark is set once (the
/// first writer wins) from whichever stage reaches it, so it is lock-free and safe across threads.
/// </summary>
public sealed class UtteranceTimeline
{
    private readonly long[] _marks = new long[Enum.GetValues<TimelineMark>().Length];

    public UtteranceTimeline(long acceptedTimestamp)
    {
        _marks[(int)TimelineMark.Accepted] = acceptedTimestamp;
    }

    public long AcceptedTimestamp => _marks[(int)TimelineMark.Accepted];

    /// <summary>Records <paramref name="mark"/> at <paramref name="timestamp"/> (Stopwatch ticks) unless already recorded.</summary>
    public bool TryMark(TimelineMark mark, long timestamp)
        => Interlocked.CompareExchange(ref _marks[(int)mark], timestamp, 0) == 0;

    public bool TryMark(TimelineMark mark) => TryMark(mark, Stopwatch.GetTimestamp());

    /// <summary>Overwrites a mark that legitimately moves (the last packet of an utterance).</summary>
    public void SetMark(TimelineMark mark, long timestamp) => Volatile.Write(ref _marks[(int)mark], timestamp);

    public long? GetTimestamp(TimelineMark mark)
    {
        var value = Volatile.Read(ref _marks[(int)mark]);
        return value == 0 ? null : value;
    }

    /// <summary>Milliseconds from acceptance to <paramref name="mark"/>, or null when not reached.</summary>
    public double? MillisecondsSinceAccepted(TimelineMark mark)
        => GetTimestamp(mark) is { } ts ? Stopwatch.GetElapsedTime(AcceptedTimestamp, ts).TotalMilliseconds : null;

    public TimelineSnapshot Snapshot() => new(
        MillisecondsSinceAccepted(TimelineMark.FirstChunkNormalized),
        MillisecondsSinceAccepted(TimelineMark.FirstUnitsGenerated),
        MillisecondsSinceAccepted(TimelineMark.FirstPcm),
        MillisecondsSinceAccepted(TimelineMark.FirstRtpPacket),
        MillisecondsSinceAccepted(TimelineMark.LastRtpPacket));
}
