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
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WebhookClient _client;
    private readonly Action<string, WebhookReply> _onReply;
    private readonly Task _loop;
    private Uri _url;

    public WebhookEventSender(WebhookClient client, Uri url, Action<string, WebhookReply> onReply)
    {
        _client = client;
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
    public void Post(JsonObject evt) => _pending.Writer.TryWrite(new Pending(evt, null));

    /// <summary>Queues an event behind those already queued and returns its reply instead of handing it on.</summary>
    public Task<WebhookReply> SendAsync(JsonObject evt)
    {
        var reply = new TaskCompletionSource<WebhookReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new Pending(evt, reply)))
        {
            reply.SetResult(WebhookReply.Failed("the call is over"));
        }

        return reply.Task;
    }

    private async Task SendLoopAsync()
    {
        await foreach (var pending in _pending.Reader.ReadAllAsync())
        {
            var reply = await _client.SendAsync(Url, pending.Event, CancellationToken.None);
            if (pending.Reply is { } waiter)
            {
                waiter.SetResult(reply);
            }
            else
            {
                _onReply((string?)pending.Event["event"] ?? string.Empty, reply);
            }
        }
    }

    /// <summary>Stops taking events and waits (bounded) for the queued ones, call.ended included, to go out.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private sealed record Pending(JsonObject Event, TaskCompletionSource<WebhookReply>? Reply);
}
