using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>
/// Delivers one call's events to its application strictly in order (one request at a time), and
/// hands each reply to the call's script. Fire-and-forget events go through <see cref="Post"/>;
/// <see cref="SendAsync"/> waits for the reply (call.incoming, redirect).
/// </summary>
internal sealed class WebhookEventSender : IAsyncDisposable
{
    /// <summary>Events one call may have waiting for its application; a call makes a few per second at most.</summary>
    public const int Capacity = 64;

    private static readonly Counter<long> Dropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.webhooks.events.dropped", "{event}", "Webhook events dropped because the call's queue to its application was full");

    // Bounded (Capacity), many writers (the call's script and pumps), one reader (the send loop); a full queue drops the new event, counted and logged: a stuck application must not grow the host's memory.
    private readonly Channel<Pending> _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly WebhookClient _client;
    private readonly ILogger _logger;
    private readonly Action<string, WebhookReply> _onReply;
    private readonly Task _loop;
    private Uri _url;
    private volatile bool _disposed;

    public WebhookEventSender(WebhookClient client, Uri url, Action<string, WebhookReply> onReply, ILogger logger)
    {
        _client = client;
        _logger = logger;
        _url = url;
        _onReply = onReply;
        _loop = Task.Run(SendLoopAsync);
    }

    /// <summary>Where events go; <c>redirect</c> moves the call to another application.</summary>
    public Uri Url
    {
        get => Volatile.Read(ref _url);
        set => Volatile.Write(ref _url, value);
    }

    /// <summary>Queues an event; its reply goes to the script's reply handler.</summary>
    public void Post(JsonObject evt)
    {
        if (!_pending.Writer.TryWrite(new Pending(evt, null)) && !_disposed)
        {
            CountDrop(evt);
        }
    }

    /// <summary>Queues an event behind those already queued and returns its reply instead of handing it on.</summary>
    public Task<WebhookReply> SendAsync(JsonObject evt)
    {
        var reply = new TaskCompletionSource<WebhookReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new Pending(evt, reply)))
        {
            var over = _pending.Reader.Completion.IsCompleted || _disposed;
            if (!over)
            {
                CountDrop(evt);
            }

            reply.SetResult(WebhookReply.Failed(over ? "the call is over" : "too many events wait for the application"));
        }

        return reply.Task;
    }

    private async Task SendLoopAsync()
    {
        await foreach (var pending in _pending.Reader.ReadAllAsync())
        {
            // One bad event (a throwing reply handler, an unexpected client error) costs that event, never the loop.
            try
            {
                var reply = await _client.SendAsync(Url, pending.Event, CancellationToken.None);
                if (pending.Reply is { } waiter)
                {
                    waiter.TrySetResult(reply);
                }
                else
                {
                    _onReply(NameOf(pending.Event), reply);
                }
            }
            catch (Exception ex)
            {
                ApplicationLog.WebhookEventFailed(_logger, ex, NameOf(pending.Event));
                pending.Reply?.TrySetResult(WebhookReply.Failed(ex.Message));
            }
        }
    }

    private static string NameOf(JsonObject evt) => evt["event"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : string.Empty;

    private void CountDrop(JsonObject evt)
    {
        Dropped.Add(1);
        ApplicationLog.WebhookEventDropped(_logger, NameOf(evt), Capacity);
    }

    /// <summary>Stops taking events and waits (bounded) for the queued ones, call.ended included, to go out.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _pending.Writer.TryComplete();
        await _loop.WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private sealed record Pending(JsonObject Event, TaskCompletionSource<WebhookReply>? Reply);
}
