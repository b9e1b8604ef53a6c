using System.Collections.Concurrent;

namespace VoiceAgent.Host.Calls;

/// <summary>How to end each call that is still up (for <c>DELETE /v1/calls/{id}</c>), by call id.</summary>
internal sealed class LiveCalls
{
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _hangups = new(StringComparer.Ordinal);

    public int Count => _hangups.Count;

    /// <summary>Registers a call's hang-up until the returned scope is disposed (when the call ends).</summary>
    public IDisposable Register(string id, Func<CancellationToken, Task> hangup)
    {
        _hangups[id] = hangup;
        return new Registration(this, id);
    }

    /// <summary>Hangs up (or cancels) a live call; false when no such call is up.</summary>
    public async Task<bool> HangupAsync(string id, CancellationToken cancellationToken)
    {
        if (!_hangups.TryGetValue(id, out var hangup))
        {
            return false;
        }

        await hangup(cancellationToken);
        return true;
    }

    private sealed class Registration(LiveCalls owner, string id) : IDisposable
    {
        public void Dispose() => owner._hangups.TryRemove(id, out _);
    }
}
