using System.Diagnostics;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// One period during which call records could not be written: when it began, how many writes
/// failed, and the back-off before the next try (doubling up to a ceiling, so a recovered disk is
/// noticed within seconds without a failing store spinning a core). Owned by the writer loop.
/// </summary>
internal sealed class StorageOutage
{
    private long _began;
    private TimeSpan _delay;

    public int Failures { get; private set; }

    /// <summary>Counts a failed write; true when it starts a new outage.</summary>
    public bool Begin()
    {
        Failures++;
        if (_began != 0)
        {
            return false;
        }

        _began = Stopwatch.GetTimestamp();
        Failures = 1;
        _delay = TimeSpan.Zero;
        return true;
    }

    public TimeSpan NextDelay(TimeSpan first, TimeSpan ceiling)
    {
        _delay = _delay == TimeSpan.Zero ? first : TimeSpan.FromTicks(Math.Min(ceiling.Ticks, _delay.Ticks * 2));
        return _delay;
    }

    /// <summary>After a successful write: how long the outage lasted, or null when there was none.</summary>
    public TimeSpan? End()
    {
        if (_began == 0)
        {
            return null;
        }

        var duration = Stopwatch.GetElapsedTime(_began);
        _began = 0;
        return duration;
    }
}
