using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Applications;

/// <summary>
/// One call's live application surface for WebSocket clients (<c>/v1/calls/{id}/stream</c>): every
/// event the call's script emits is fanned out to each attached client, and verbs a client sends
/// join the script's queue. A slow client loses its oldest events, never the call's.
/// </summary>
internal sealed class CallEventHub(CallContext call, Action<IReadOnlyList<CallVerb>> submit, Func<int>? pendingVerbs = null)
{
    private static readonly Counter<long> Dropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.stream.events.dropped", "{event}", "Call events a slow WebSocket client lost (its 256-event queue was full; the oldest go).");

    private readonly ConcurrentDictionary<Channel<string>, byte> _subscribers = new();

    public CallContext Call { get; } = call;

    public void Publish(JsonObject evt)
    {
        var text = evt.ToJsonString();
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(text);
        }
    }

    public void Submit(IReadOnlyList<CallVerb> verbs) => submit(verbs);

    /// <summary>Verbs the call has queued and not yet run (0 when the script does not say).</summary>
    public int PendingVerbs => pendingVerbs?.Invoke() ?? 0;

    /// <summary>Events as JSON text until <see cref="Complete"/> or the subscription is disposed.</summary>
    public Subscription Subscribe()
    {
        // 256 events per client, DropOldest (counted): a slow client loses its oldest events, never the call's. One reader, the client's forwarder.
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }, _ => Dropped.Add(1));
        _subscribers[channel] = 0;
        return new Subscription(this, channel);
    }

    /// <summary>The call is over: every client's event stream ends.</summary>
    public void Complete()
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryComplete();
        }
    }

    internal sealed class Subscription(CallEventHub hub, Channel<string> channel) : IDisposable
    {
        public ChannelReader<string> Events => channel.Reader;

        public void Dispose()
        {
            hub._subscribers.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        }
    }
}

/// <summary>The hubs of the calls that have one, by call id.</summary>
internal sealed class CallEventHubs
{
    private readonly ConcurrentDictionary<string, CallEventHub> _hubs = new(StringComparer.Ordinal);

    public IDisposable Register(string callId, CallEventHub hub)
    {
        _hubs[callId] = hub;
        return new Registration(this, callId);
    }

    public CallEventHub? Find(string callId) => _hubs.GetValueOrDefault(callId);

    private sealed class Registration(CallEventHubs owner, string callId) : IDisposable
    {
        public void Dispose()
        {
            if (owner._hubs.TryRemove(callId, out var hub))
            {
                hub.Complete();
            }
        }
    }
}
