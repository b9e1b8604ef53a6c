using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Tests.Media;

public sealed class MediaClockTests
{
    [Fact]
    public async Task Clock_logs_once_which_scheduling_its_threads_obtained()
    {
        var logger = new ListLogger();
        await using (var clock = new MediaClock(loops: 2, logger: logger))
        {
            var deadline = Stopwatch.StartNew();
            while (clock.Ticks < 10 && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10);
            }
        }

        var line = Assert.Single(logger.Lines);
        Assert.Contains("Media clock threads run at", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clock_with_real_time_priority_zero_stays_a_normal_thread()
    {
        await using var clock = new MediaClock(loops: 1, realTimePriority: 0);
        var deadline = Stopwatch.StartNew();
        while (clock.Ticks < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        Assert.NotEqual(ThreadSchedulingClass.RealTime, clock.Scheduling);
    }

    [Fact]
    public async Task A_real_time_tick_busy_past_the_limit_goes_on_at_normal_priority()
    {
        await using var clock = new MediaClock(loops: 1);
        var busy = new BusyClient(TimeSpan.FromMilliseconds(80));
        clock.Register(busy);
        var deadline = Stopwatch.StartNew();
        while (busy.Ticks < 3 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        clock.Unregister(busy);
        if (clock.Scheduling == ThreadSchedulingClass.RealTime)
        {
            Assert.True(clock.Demotions >= 1, $"{clock.Demotions} demotions");
        }
    }

    [Fact]
    public void Precise_sleep_wakes_within_a_millisecond_of_its_deadline()
    {
        if (!MonotonicSleep.IsPrecise)
        {
            return; // Thread.Sleep fallback: whole milliseconds by design.
        }

        var requested = TimeSpan.FromMicroseconds(300);
        var slept = new List<TimeSpan>();
        for (var i = 0; i < 21; i++)
        {
            var start = Stopwatch.GetTimestamp();
            MonotonicSleep.Sleep(requested);
            slept.Add(Stopwatch.GetElapsedTime(start));
        }

        slept.Sort();
        Assert.True(slept[0] >= requested * 0.9, $"shortest sleep {slept[0].TotalMicroseconds} µs");
        // The median, so one preemption on a loaded machine does not fail the test.
        Assert.True(slept[10] < TimeSpan.FromMilliseconds(1), $"median sleep {slept[10].TotalMicroseconds} µs");
    }

    [Fact]
    public async Task A_stream_that_throws_every_tick_is_logged_once_counted_and_the_other_streams_keep_their_ticks()
    {
        var logger = new ListLogger();
        await using var clock = new MediaClock(loops: 1, realTimePriority: 0, logger: logger);
        var broken = new ThrowingClient();
        var healthy = new BusyClient(TimeSpan.Zero);
        clock.Register(broken);
        clock.Register(healthy);
        var deadline = Stopwatch.StartNew();
        while ((healthy.Ticks < 50 || clock.TickFailures < 50) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        clock.Unregister(broken);
        clock.Unregister(healthy);

        Assert.True(healthy.Ticks >= 50, $"{healthy.Ticks} ticks");
        Assert.True(clock.TickFailures >= 50, $"{clock.TickFailures} failures");
        Assert.Single(logger.Lines, l => l.Contains("failed its tick", StringComparison.Ordinal));
    }

    private sealed class ThrowingClient : IMediaClockClient
    {
        public void OnTick(long now) => throw new InvalidOperationException("a broken stream");
    }

    /// <summary>Spins through each tick, like a thread stuck on a lock.</summary>
    private sealed class BusyClient(TimeSpan busy) : IMediaClockClient
    {
        private int _ticks;

        public int Ticks => Volatile.Read(ref _ticks);

        public void OnTick(long now)
        {
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < busy)
            {
                Thread.SpinWait(100);
            }

            Interlocked.Increment(ref _ticks);
        }
    }

    private sealed class ListLogger : ILogger<MediaClock>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
