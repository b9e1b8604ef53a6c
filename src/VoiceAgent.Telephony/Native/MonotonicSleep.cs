using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>
/// Sleeps with nanosecond resolution on Linux (clock_nanosleep on CLOCK_MONOTONIC). Thread.Sleep
/// takes whole milliseconds, so a clock thread that must wake within microseconds of its deadline
/// otherwise has to spin out its last millisecond.
/// </summary>
internal static partial class MonotonicSleep
{
    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, nint remaining);

    /// <summary>True where <see cref="Sleep"/> has sub-millisecond resolution.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>
    /// Sleeps about <paramref name="duration"/>; may return early when a signal interrupts it (the
    /// runtime's GC suspension does), so callers re-check their deadline.
    /// </summary>
    public static void Sleep(TimeSpan duration)
    {
        if (!IsPrecise)
        {
            Thread.Sleep(duration);
            return;
        }

        var ns = Math.Max(0, duration.Ticks * 100);
        ClockNanosleep(ClockMonotonic, 0, new TimeSpec { Seconds = (nint)(ns / 1_000_000_000), Nanoseconds = (nint)(ns % 1_000_000_000) }, 0);
    }

    private static bool Probe()
    {
        try
        {
            return ClockNanosleep(ClockMonotonic, 0, default, 0) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
