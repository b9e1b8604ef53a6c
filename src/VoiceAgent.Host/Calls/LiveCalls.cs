using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// How to end each call that is still up (for <c>DELETE /v1/calls/{id}</c>), by call id; and the
/// longest a call may stay up (Sip:MaxCallDurationSeconds), so that a call nobody ends (a peer that
/// keeps media flowing and never sends BYE, a forgotten test call) cannot hold its port, its TTS
/// session and a concurrent-call slot forever.
/// </summary>
internal sealed class LiveCalls(VoiceAgentSettings settings, CallRegistry registry, TimeProvider time, ILogger<LiveCalls> logger)
{
    public const string MaxDurationReason = "max-duration";

    private static readonly Counter<long> DurationExceeded = HostMetrics.Meter.CreateCounter<long>("voiceagent.calls.max_duration_hangups", "{call}", "Calls hung up because they reached Sip:MaxCallDurationSeconds");
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _hangups = new(StringComparer.Ordinal);

    public int Count => _hangups.Count;

    /// <summary>Registers a call's hang-up until the returned scope is disposed (when the call ends); the duration limit counts from here.</summary>
    public IDisposable Register(string id, Func<CancellationToken, Task> hangup)
    {
        _hangups[id] = hangup;
        var limit = settings.Sip.MaxCallDuration;
        if (limit <= TimeSpan.Zero)
        {
            return new Registration(this, id, null);
        }

        // One timer-queue entry per call (no thread, no polling); disposed with the registration.
        var deadline = new CancellationTokenSource(limit, time);
        deadline.Token.Register(() => _ = EndAtLimitAsync(id, limit));
        return new Registration(this, id, deadline);
    }

    private async Task EndAtLimitAsync(string id, TimeSpan limit)
    {
        if (!_hangups.TryGetValue(id, out var hangup))
        {
            return;
        }

        DurationExceeded.Add(1);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = id });
        HostLog.CallDurationExceeded(logger, limit.TotalSeconds);
        registry.Find(id)?.OverrideEndReason(MaxDurationReason);
        try
        {
            await hangup(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The call may be ending by itself at the same moment; a failed hang-up must not reach the timer thread.
            HostLog.CallFailed(logger, ex);
        }
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

    private sealed class Registration(LiveCalls owner, string id, CancellationTokenSource? deadline) : IDisposable
    {
        public void Dispose()
        {
            owner._hangups.TryRemove(id, out _);
            deadline?.Dispose();
        }
    }
}
