using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Native;
using VoiceAgent.Telephony.Sip;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// The media clock of the process: one or more loop threads (one by default), each ticking every
/// <see cref="Resolution"/> (5 ms) and letting its streams send the packet due by then; each stream
/// keeps its own 20 ms packet deadlines. The fine tick lets a talkspurt start within 5 ms of its
/// audio being ready. Streams go to the least-loaded loop, so encoding many Opus calls spreads over
/// the cores instead of overrunning one 20 ms frame. No timer per call.
/// </summary>
public sealed class MediaClock : IAsyncDisposable
{
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// SCHED_FIFO priority of the clock threads: above every normal thread, below the kernel's
    /// threaded interrupt handlers (50) that deliver packets. Measured (`media 10 5`, 2 cores, espeak
    /// synthesizing, another build running): PCMU 300 calls p99 0.38 / 0.75 ms against 2.9 / 10.2 ms
    /// at nice -15 in the same conditions; Opus 150 (complexity 5) p99 1.4 ms against 23-46 ms.
    /// </summary>
    public const int DefaultRealTimePriority = 10;

    /// <summary>Tick period of the clock threads.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(5);

    /// <summary>A tick busier than this loses real-time priority (a tick's work is 0.5 ms at 300 PCMU calls).</summary>
    private static readonly TimeSpan StuckTickLimit = TimeSpan.FromMilliseconds(20);

    private readonly MediaClockLoop[] _loops;
    private readonly Lock _gate = new();
    private readonly ILogger<MediaClock>? _logger;
    private readonly Thread? _watchdog;
    private volatile bool _disposed;
    private int _schedulingLogged;

    /// <param name="loops">
    /// Clock threads. One by default: on 2 cores a second spinning loop made pacing jitter worse for
    /// light loads (tshark test: gaps within 10-30 ms fell below 90%); heavy Opus loads may want one per core.
    /// </param>
    /// <param name="realTimePriority">
    /// SCHED_FIFO priority (1-49) the clock threads ask for; 0, or when refused (no CAP_SYS_NICE),
    /// they run at nice -15, which only weighs their share against the synthesizer's.
    /// </param>
    /// <param name="logger">Told once which scheduling class the clock threads obtained.</param>
    public MediaClock(int loops = 1, int realTimePriority = DefaultRealTimePriority, ILogger<MediaClock>? logger = null)
    {
        _logger = logger;
        var count = Math.Max(1, loops);
        _loops = [.. Enumerable.Range(0, count).Select(i => new MediaClockLoop(i, realTimePriority, OnLoopStarted, logger))];
        if (realTimePriority > 0 && OperatingSystem.IsLinux())
        {
            _watchdog = new Thread(Watch) { IsBackground = true, Name = "VoiceAgent media clock watchdog" };
            _watchdog.Start();
        }
    }

    /// <summary>Times a real-time tick ran past <see cref="StuckTickLimit"/> and went on at nice -15.</summary>
    public long Demotions => _loops.Sum(l => l.Demotions);

    /// <summary>Looks at the real-time clock threads every 10 ms (a normal thread, so it runs only when a core is free of them).</summary>
    private void Watch()
    {
        var limit = (long)(StuckTickLimit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (!_disposed)
        {
            Thread.Sleep(10);
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            foreach (var loop in _loops)
            {
                loop.DemoteIfStuck(now, limit);
            }
        }
    }

    private void OnLoopStarted(ThreadSchedulingClass scheduling)
    {
        if (_logger is not null && Interlocked.Exchange(ref _schedulingLogged, 1) == 0)
        {
            TelephonyLog.ClockScheduling(_logger, scheduling switch
            {
                ThreadSchedulingClass.RealTime => "real-time (SCHED_FIFO)",
                ThreadSchedulingClass.Nice => "nice -15 (real-time off or refused)",
                _ => "default (priority not raised)",
            });
        }
    }

    /// <summary>Ticks of the first loop since the clock started.</summary>
    public long Ticks => _loops[0].Ticks;

    /// <summary>Number of streams ticked, over all loops.</summary>
    public int ClientCount => _loops.Sum(l => l.ClientCount);

    /// <summary>Scheduling class of the first clock thread (Default until it has started).</summary>
    internal ThreadSchedulingClass Scheduling => _loops[0].Scheduling;

    /// <summary>Stream ticks that threw, over all loops (each loop logged its first).</summary>
    public long TickFailures => _loops.Sum(l => l.Failures);

    /// <summary>Late ticks observed over all loops (deadline missed by more than one tick).</summary>
    public long LateTicks => _loops.Sum(l => l.LateTicks);

    public void Register(IMediaClockClient client)
    {
        lock (_gate)
        {
            _loops.MinBy(l => l.ClientCount)!.Register(client);
        }
    }

    public void Unregister(IMediaClockClient client)
    {
        lock (_gate)
        {
            foreach (var loop in _loops)
            {
                loop.Unregister(client);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync().ConfigureAwait(false);
        }
    }
}
