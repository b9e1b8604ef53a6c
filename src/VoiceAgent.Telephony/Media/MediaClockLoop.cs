using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Native;
using VoiceAgent.Telephony.Sip;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// One thread of the media clock: ticks every <see cref="MediaClock.Resolution"/> and lets each of
/// its streams send the packet due by then. Tick deadlines are computed from a monotonic start
/// (start + n * resolution), so timing error never accumulates, unlike a timer re-armed per tick.
/// </summary>
internal sealed class MediaClockLoop : IAsyncDisposable
{
    /// <summary>Past this lag (a stalled machine) the clock re-bases instead of bursting packets.</summary>
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromMilliseconds(200);

    /// <summary>Nice value when real-time priority is refused.</summary>
    private const int Nice = -15;

    private static readonly Counter<long> TickFailures = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.media.clock.tick_failures", "{exception}", "Stream ticks that threw on a media clock thread; the first per thread is logged, the rest only counted");

    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ThreadSchedulingClass>? _onStarted;
    private readonly int _realTimePriority;
    private readonly int _index;
    private readonly ILogger? _logger;
    private IMediaClockClient[] _clients = [];
    private long _ticks;
    private int _tid;
    private bool _realTime;
    private long _busySince;
    private int _demoted;
    private long _demotions;
    private long _failures;
    private bool _failureLogged;

    /// <param name="realTimePriority">SCHED_FIFO priority to ask for (0: nice only); see <see cref="MediaClock.DefaultRealTimePriority"/>.</param>
    /// <param name="onStarted">Told once, from the new thread, which scheduling class it obtained.</param>
    /// <param name="logger">Told of the first stream tick that throws on this thread.</param>
    public MediaClockLoop(int index, int realTimePriority, Action<ThreadSchedulingClass>? onStarted = null, ILogger? logger = null)
    {
        _index = index;
        _logger = logger;
        _realTimePriority = realTimePriority;
        _onStarted = onStarted;
        _thread = new Thread(Run) { IsBackground = true, Name = $"VoiceAgent media clock {index}", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Ticks since the clock started.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Number of streams ticked.</summary>
    public int ClientCount => Volatile.Read(ref _clients).Length;

    /// <summary>The scheduling class the thread obtained (Default until it has started).</summary>
    public ThreadSchedulingClass Scheduling { get; private set; }

    /// <summary>Times <see cref="DemoteIfStuck"/> took real-time priority away from a tick.</summary>
    public long Demotions => Interlocked.Read(ref _demotions);

    /// <summary>Stream ticks that threw (the first was logged).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Late ticks observed (deadline missed by more than one tick).</summary>
    public long LateTicks { get; private set; }

    public void Register(IMediaClockClient client)
    {
        IMediaClockClient[] current, updated;
        do
        {
            current = Volatile.Read(ref _clients);
            updated = [.. current, client];
        }
        while (Interlocked.CompareExchange(ref _clients, updated, current) != current);
    }

    public void Unregister(IMediaClockClient client)
    {
        IMediaClockClient[] current, updated;
        do
        {
            current = Volatile.Read(ref _clients);
            updated = [.. current.Where(c => !ReferenceEquals(c, client))];
        }
        while (Interlocked.CompareExchange(ref _clients, updated, current) != current);
    }

    private void Run()
    {
        // Packets must leave on time even while the synthesizer keeps a core busy: real-time first
        // (preempts the synthesizer as soon as the tick is due), else nice -15 (a larger CPU share only).
        // Best effort: without CAP_SYS_NICE the thread keeps the default share.
        Scheduling = ThreadScheduling.TryRaiseCurrentThread(_realTimePriority, Nice);
        _tid = ThreadScheduling.CurrentThreadId();
        _realTime = Scheduling == ThreadSchedulingClass.RealTime;
        _onStarted?.Invoke(Scheduling);
        try
        {
            var frameTicks = (long)(MediaClock.Resolution.TotalSeconds * Stopwatch.Frequency);
            var start = Stopwatch.GetTimestamp();
            long n = 0;
            while (!_stopping.IsCancellationRequested)
            {
                var deadline = start + n * frameTicks;
                if (Interlocked.Exchange(ref _demoted, 0) == 1)
                {
                    ThreadScheduling.TryEnterRealTime(_tid, _realTimePriority);
                }

                WaitUntil(deadline);
                Volatile.Write(ref _busySince, Stopwatch.GetTimestamp());
                var lag = Stopwatch.GetTimestamp() - deadline;
                if (lag > (long)(MaxCatchUp.TotalSeconds * Stopwatch.Frequency))
                {
                    LateTicks++;
                    start = Stopwatch.GetTimestamp();
                    n = 0;
                }
                else if (lag > frameTicks)
                {
                    LateTicks++;
                }

                // Streams see the tick's scheduled time, not the moment this thread woke: their 20 ms
                // deadlines then fall exactly on ticks (4 per frame) and a wake-up a few microseconds
                // earlier than the last one cannot push a packet a whole tick late.
                var tick = Math.Max(deadline, start + (n * frameTicks));
                foreach (var client in Volatile.Read(ref _clients))
                {
                    try
                    {
                        client.OnTick(tick);
                    }
                    catch (Exception ex)
                    {
                        // One call's failure must not stop the clock of every other call.
                        OnTickFailed(ex);
                    }
                }

                Volatile.Write(ref _busySince, 0);
                n++;
                Interlocked.Increment(ref _ticks);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Logs the first failure of this thread and counts all: a stream that throws would do so every
    /// tick (200 a second), and logging that from a real-time thread would cost every call its timing.
    /// </summary>
    private void OnTickFailed(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        TickFailures.Add(1);
        if (!_failureLogged && _logger is not null)
        {
            _failureLogged = true;
            try
            {
                TelephonyLog.ClockTickFailed(_logger, exception, _index);
            }
            catch (Exception)
            {
                // A logging provider's failure must not stop the clock either.
            }
        }
    }

    /// <summary>
    /// From the clock's watchdog (a normal thread): a real-time tick busy for longer than
    /// <paramref name="limit"/> (Stopwatch ticks) goes on at nice -15 until its next sleep. At
    /// real-time priority a spin in the runtime on a lock held by a normal thread of the same core
    /// (sched_yield does not yield to lower priorities) lasts until the kernel throttles real-time
    /// threads: the media bench saw the clock stall 0.95-1 s twice in about 17 runs, each time with a
    /// second of extra CPU. An overrunning tick (too many Opus calls) also no longer starves the machine.
    /// </summary>
    public void DemoteIfStuck(long now, long limit)
    {
        var busySince = Volatile.Read(ref _busySince);
        if (_realTime && busySince != 0 && now - busySince > limit && Interlocked.Exchange(ref _demoted, 1) == 0)
        {
            ThreadScheduling.LeaveRealTime(_tid);
            Interlocked.Increment(ref _demotions);
        }
    }

    /// <summary>
    /// Sleeps until the deadline: with nanosecond sleeps (Linux) straight to it; otherwise to about
    /// 1 ms before it (Thread.Sleep takes whole milliseconds and overshoots by ~0.1 ms), then yields.
    /// The yielding last millisecond cost a fifth of a core per clock thread, and under real-time
    /// priority it would also keep every normal thread off that core.
    /// </summary>
    private void WaitUntil(long deadline)
    {
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || _stopping.IsCancellationRequested)
            {
                return;
            }

            if (MonotonicSleep.IsPrecise)
            {
                MonotonicSleep.Sleep(remaining);
            }
            else if (remaining > TimeSpan.FromMilliseconds(2))
            {
                Thread.Sleep(remaining - TimeSpan.FromMilliseconds(1));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _stopped.Task.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
