using System.Diagnostics;

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

    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IMediaClockClient[] _clients = [];
    private long _ticks;

    public MediaClockLoop(int index)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"VoiceAgent media clock {index}", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Ticks since the clock started.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Number of streams ticked.</summary>
    public int ClientCount => Volatile.Read(ref _clients).Length;

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
        // Packets must leave on time even while the synthesizer keeps a core busy. Best effort:
        // without CAP_SYS_NICE the thread keeps the default share.
        Native.ThreadScheduling.TryRaiseCurrentThread(-15);
        try
        {
            var frameTicks = (long)(MediaClock.Resolution.TotalSeconds * Stopwatch.Frequency);
            var start = Stopwatch.GetTimestamp();
            long n = 0;
            while (!_stopping.IsCancellationRequested)
            {
                var deadline = start + n * frameTicks;
                WaitUntil(deadline);
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
                    catch (Exception)
                    {
                        // One call's failure must not stop the clock of every other call.
                    }
                }

                n++;
                Interlocked.Increment(ref _ticks);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Sleeps to about 1 ms before the deadline, then yields until it; Linux sleeps overshoot by ~0.1 ms.</summary>
    private void WaitUntil(long deadline)
    {
        while (true)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || _stopping.IsCancellationRequested)
            {
                return;
            }

            if (remaining > TimeSpan.FromMilliseconds(2))
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
