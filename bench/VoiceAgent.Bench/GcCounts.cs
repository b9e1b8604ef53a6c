using System.Globalization;
using System.Runtime;

namespace VoiceAgent.Bench;

/// <summary>
/// The process's garbage collections and their total pause: every managed thread, the media clock's
/// included, stops during a pause, so collections in a measuring window show up in its pacing.
/// </summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcCounts operator -(GcCounts a, GcCounts b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused, a.Allocated - b.Allocated);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"GCs gen0/1/2 {Gen0}/{Gen1}/{Gen2}, paused {Paused.TotalMilliseconds:F1} ms, allocated {Allocated / 1048576.0:F1} MiB ({(GCSettings.IsServerGC ? "server" : "workstation")} GC)");
}
