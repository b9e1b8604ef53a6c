using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Audio;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// VoiceAgent's own WebSocket protocol for one client of one call (<c>/v1/calls/{id}/stream</c>):
/// the call's events as JSON text messages; with <c>?audio=8000</c> or <c>16000</c> the caller's audio
/// as binary messages (16-bit little-endian mono PCM, 20 ms each); from the client, a verb object or
/// an array of verbs (the webhook contract's verbs, appended to the call's queue), or streamed text
/// <c>{"type": "say.text", "text": "...", "final": false, "bargeIn": true}</c> spoken clause by clause.
/// A client that stops reading holds at most one send: the caller's audio behind it is dropped oldest
/// first by the call's bounded subscription (counted in voiceagent.rtp.caller_audio.dropped) and its
/// events by the hub's (voiceagent.stream.events.dropped); memory does not grow.
/// </summary>
internal sealed class CallStreamSession(WebSocket socket, CallEventHub hub, int audioRate, ILogger logger)
{
    /// <summary>Verbs a call may have waiting before streamed say.text is refused (each clause is a verb).</summary>
    public const int MaxQueuedVerbs = 64;

    private static readonly Counter<long> SayTextDropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.stream.say_text.dropped", "{message}", "WebSocket say.text messages refused because the call had MaxQueuedVerbs verbs waiting");

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly StreamedSayBuffer _say = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, hub.Call.Ended);

        // The event stream ends when the call does (after call.ended); the receive is never cancelled
        // by the call's end, because cancelling a WebSocket receive aborts the socket: we close instead.
        var events = ForwardEventsAsync(subscription, cancellationToken);
        var audio = audioRate > 0 ? ForwardAudioAsync(stop.Token) : Task.CompletedTask;
        var receive = ReceiveAsync(cancellationToken);
        await Task.WhenAny(receive, events);
        await stop.CancelAsync();
        await audio.ContinueWith(_ => { }, TaskScheduler.Default);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _send.WaitAsync(timeout.Token);
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", timeout.Token);
                }
                finally
                {
                    _send.Release();
                }
            }

            await receive.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            socket.Abort();
        }

        subscription.Dispose();
        await events.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReceiveMessagesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            ApplicationLog.StreamMessageIgnored(logger, ex.Message);
        }
    }

    private async Task ReceiveMessagesAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > 1024 * 1024)
            {
                await SendErrorAsync("a message over 1 MB was dropped", cancellationToken);
                message.SetLength(0);
                continue;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                await HandleAsync(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), cancellationToken);
            }

            message.SetLength(0);
        }
    }

    private async Task HandleAsync(string text, CancellationToken cancellationToken)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            await SendErrorAsync($"not JSON: {ex.Message}", cancellationToken);
            return;
        }

        if (node is JsonObject obj && (string?)obj["type"] == "say.text")
        {
            var piece = obj["text"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : string.Empty;
            var final = obj["final"] is JsonValue f && f.TryGetValue<bool>(out var b) && b;
            var bargeIn = obj["bargeIn"] is JsonValue bi && bi.TryGetValue<bool>(out var barge) && barge;
            if (hub.PendingVerbs >= MaxQueuedVerbs)
            {
                // A client streaming text faster than it is spoken: refuse the piece instead of queueing without end.
                SayTextDropped.Add(1);
                await SendErrorAsync($"say.text dropped: {MaxQueuedVerbs} verbs wait to be spoken", cancellationToken);
                return;
            }

            var clauses = _say.Add(piece, final);
            if (clauses.Count > 0)
            {
                hub.Submit([.. clauses.Select(c => new SayVerb(c, null, bargeIn))]);
            }

            return;
        }

        var parsed = CallVerbParser.Parse(node is JsonArray ? text : $"[{text}]");
        foreach (var error in parsed.Errors)
        {
            await SendErrorAsync(error, cancellationToken);
        }

        if (parsed.Verbs.Count > 0)
        {
            hub.Submit(parsed.Verbs);
        }
    }

    private async Task ForwardEventsAsync(CallEventHub.Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var evt in subscription.Events.ReadAllAsync(cancellationToken))
            {
                await SendAsync(Encoding.UTF8.GetBytes(evt), WebSocketMessageType.Text, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task ForwardAudioAsync(CancellationToken cancellationToken)
    {
        var stream = hub.Call.Stream;
        var audio = stream.SubscribeCallerAudio();
        using var converter = new PcmRateConverter(stream.Playout.SampleRate, audioRate);
        // One frame's bytes, reused: each send completes before the next frame is framed.
        var bytes = new byte[audioRate * 2];
        try
        {
            await foreach (var frame in audio.ReadAllAsync(cancellationToken))
            {
                var pcm = converter.Convert(frame.Span);
                if (pcm.Length > 0)
                {
                    var length = WriteLittleEndian(pcm.Span, bytes);
                    await SendAsync(bytes.AsMemory(0, length), WebSocketMessageType.Binary, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>The binary audio frame: 16-bit little-endian PCM into <paramref name="destination"/>; returns its length.</summary>
    internal static int WriteLittleEndian(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(destination[(i * 2)..], samples[i]);
        }

        return samples.Length * 2;
    }

    private Task SendErrorAsync(string error, CancellationToken cancellationToken)
        => SendAsync(Encoding.UTF8.GetBytes(new JsonObject { ["event"] = "call.error", ["callId"] = hub.Call.Record.Id, ["error"] = error }.ToJsonString()), WebSocketMessageType.Text, cancellationToken);

    /// <summary>One send at a time: WebSocket sends must not overlap.</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(payload, type, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }
}
