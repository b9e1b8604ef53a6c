using System.Collections.Concurrent;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// The calls whose newest state the store has not written yet, one entry per call: a change to a
/// call already pending costs nothing (the writer reads the record's state when it writes), so the
/// set is bounded by calls, not by changes. New calls beyond the bound are refused.
/// </summary>
internal sealed class PendingCalls(int capacity)
{
    private readonly ConcurrentDictionary<string, CallRecord> _calls = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>False only when the call is not yet pending and <paramref name="capacity"/> calls already are.</summary>
    public bool TryAdd(CallRecord record)
    {
        if (_calls.ContainsKey(record.Id))
        {
            return true;
        }

        if (Count >= capacity)
        {
            return false;
        }

        if (_calls.TryAdd(record.Id, record))
        {
            Interlocked.Increment(ref _count);
        }

        return true;
    }

    /// <summary>Removes and returns every pending call.</summary>
    public List<CallRecord> TakeAll()
    {
        var taken = new List<CallRecord>(Count);
        foreach (var id in _calls.Keys)
        {
            if (_calls.TryRemove(id, out var record))
            {
                Interlocked.Decrement(ref _count);
                taken.Add(record);
            }
        }

        return taken;
    }

    /// <summary>Puts back calls whose write failed (past the bound: they were admitted under it).</summary>
    public void Return(List<CallRecord> records)
    {
        foreach (var record in records)
        {
            if (_calls.TryAdd(record.Id, record))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
