using System.Collections.Concurrent;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Calls known to this process. Ended calls are kept (up to <see cref="MaxRetained"/> calls in all)
/// so their timelines stay readable through the API after hang-up; past the limit the ended calls
/// that started longest ago go first, whatever is still live (a call that lasts hours must not stop
/// pruning behind it; live calls are bounded by Sip:MaxConcurrentCalls). Every record is also kept
/// durably by the <see cref="CallRecordStore"/>, which answers for calls of earlier runs.
/// </summary>
internal sealed class CallRegistry(CallRecordStore store)
{
    public const int MaxRetained = 1000;

    // Pruning sorts the ended calls, so it runs once per PruneSlack additions rather than on each one.
    private const int PruneSlack = MaxRetained / 10;
    private readonly ConcurrentDictionary<string, CallRecord> _calls = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();

    public int Count => _calls.Count;

    public void Add(CallRecord call)
    {
        call.ObserveChanges(store.Enqueue);
        store.Enqueue(call);
        _calls[call.Id] = call;
        if (_calls.Count > MaxRetained + PruneSlack)
        {
            Prune();
        }
    }

    private void Prune()
    {
        lock (_pruning)
        {
            var excess = _calls.Count - MaxRetained;
            if (excess <= 0)
            {
                return;
            }

            foreach (var ended in _calls.Values.Where(c => c.State == CallState.Ended).OrderBy(c => c.StartedAt).Take(excess))
            {
                _calls.TryRemove(ended.Id, out _);
            }
        }
    }

    public CallRecord? Find(string id) => _calls.GetValueOrDefault(id);

    public IReadOnlyList<CallView> List() => [.. _calls.Values.OrderBy(c => c.StartedAt).Select(c => c.ToView())];
}
