using System.Collections.Concurrent;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Calls known to this process, newest last. Ended calls are kept (up to a limit) so their
/// timelines stay readable through the API after hang-up. Every record is also kept durably by
/// the <see cref="CallRecordStore"/>, which answers for calls of earlier runs.
/// </summary>
internal sealed class CallRegistry(CallRecordStore store)
{
    private const int MaxRetained = 1000;
    private readonly ConcurrentDictionary<string, CallRecord> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(CallRecord call)
    {
        call.ObserveChanges(store.Enqueue);
        store.Enqueue(call);
        _calls[call.Id] = call;
        _order.Enqueue(call.Id);
        while (_order.Count > MaxRetained && _order.TryPeek(out var oldest)
            && _calls.TryGetValue(oldest, out var record) && record.State == CallState.Ended
            && _order.TryDequeue(out oldest))
        {
            _calls.TryRemove(oldest, out _);
        }
    }

    public CallRecord? Find(string id) => _calls.GetValueOrDefault(id);

    public IReadOnlyList<CallView> List() => [.. _calls.Values.OrderBy(c => c.StartedAt).Select(c => c.ToView())];
}
