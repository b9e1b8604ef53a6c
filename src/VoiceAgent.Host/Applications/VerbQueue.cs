using VoiceAgent.Host.Applications.Verbs;

namespace VoiceAgent.Host.Applications;

/// <summary>
/// The verbs a call still has to run. Replies to events append; <c>redirect</c> replaces. The
/// script waits here when the verbs have run out ("the call waits for the next event's answer").
/// </summary>
internal sealed class VerbQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<CallVerb> _verbs = new();
    private TaskCompletionSource _available = NewSignal();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _verbs.Count;
            }
        }
    }

    public void Append(IEnumerable<CallVerb> verbs)
    {
        lock (_gate)
        {
            foreach (var verb in verbs)
            {
                _verbs.AddLast(verb);
            }

            if (_verbs.Count > 0)
            {
                _available.TrySetResult();
            }
        }
    }

    public void ReplaceWith(IEnumerable<CallVerb> verbs)
    {
        lock (_gate)
        {
            _verbs.Clear();
        }

        Append(verbs);
    }

    public async Task<CallVerb> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_verbs.First is { } first)
                {
                    _verbs.RemoveFirst();
                    return first.Value;
                }

                if (_available.Task.IsCompleted)
                {
                    _available = NewSignal();
                }

                wait = _available.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
