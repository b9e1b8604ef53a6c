using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VoiceAgent.Host.Audio;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Drives a call with an application written for Twilio Media Streams (bidirectional): VoiceAgent
/// connects to the application's WebSocket, sends <c>connected</c>, <c>start</c>, the caller's audio
/// as <c>media</c> (base64 μ-law, 8 kHz, 20 ms), <c>dtmf</c> and finally <c>stop</c>; it plays the
/// <c>media</c> the application sends, echoes each <c>mark</c> once the audio before it has been sent
/// (or dropped by a <c>clear</c>), and flushes playback on <c>clear</c>. The application closing the
/// socket ends the call. Everything sent goes through one bounded <see cref="WebSocketSendQueue"/>:
/// a socket that stops reading loses caller audio frames (counted), and is aborted when an event no longer fits.
/// </summary>
internal sealed class TwilioMediaStream(CallContext call, Uri url, ILogger logger)
{
    private readonly string _streamSid = "MZ" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    private int _sequence;
    private WebSocketSendQueue? _sender;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(call.Ended))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(url, connectTimeout.Token);
        }

        _sender = new WebSocketSendQueue(socket, () => ApplicationLog.StreamSendQueueFull(logger, Webhooks.WebhookAddress.Redact(url)));
        var sender = SendLoopAsync(_sender);
        Send(new JsonObject { ["event"] = "connected", ["protocol"] = "Call", ["version"] = "1.0.0" });
        Send(Event("start", "start", new JsonObject
        {
            ["streamSid"] = _streamSid,
            ["accountSid"] = string.Empty,
            ["callSid"] = call.Record.Id,
            ["tracks"] = new JsonArray("inbound"),
            ["customParameters"] = new JsonObject { ["from"] = call.Record.From, ["to"] = call.Record.To },
            ["mediaFormat"] = new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = 8000, ["channels"] = 1 },
        }));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Ended);
        var upstream = SendCallerAudioAsync(stop.Token);
        var digits = SendDigitsAsync(stop.Token);

        // The receive is never cancelled (cancelling a WebSocket receive aborts the socket, and the
        // stop message must still go out): the call's end closes the socket instead, as Twilio does.
        var receive = ReceiveAsync(socket);
        var callEnded = Task.Delay(Timeout.Infinite, call.Ended).ContinueWith(_ => { }, TaskScheduler.Default);
        try
        {
            if (await Task.WhenAny(receive, callEnded) == receive)
            {
                await receive; // surfaces a broken socket
                if (!call.Ended.IsCancellationRequested)
                {
                    // The application closed the stream: the call is over (there is no next TwiML verb here).
                    await call.Call.HangupAsync(cancellationToken);
                }
            }
        }
        catch (WebSocketException ex)
        {
            ApplicationLog.StreamFailed(logger, Webhooks.WebhookAddress.Redact(url), ex.Message);
            await call.Call.HangupAsync(CancellationToken.None);
        }
        finally
        {
            await stop.CancelAsync();
            Send(Event("stop", "stop", new JsonObject { ["accountSid"] = string.Empty, ["callSid"] = call.Record.Id }));
            _sender.Complete();
            await Task.WhenAll(upstream, digits, sender).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            await CloseAsync(socket, receive);
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket, Task receive)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", timeout.Token);
            }

            await receive.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            socket.Abort();
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        await using var playback = new StreamPlayback(
            call.Stream.Playout,
            name => Send(Event("mark", "mark", new JsonObject { ["name"] = name })),
            () => ApplicationLog.StreamPlaybackFull(logger, StreamPlayback.MaxQueuedBytes / 8000.0));
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > 4 * 1024 * 1024)
                {
                    throw new WebSocketException("a stream message over 4 MB");
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                Handle(message.GetBuffer().AsSpan(0, (int)message.Length), playback);
                message.SetLength(0);
            }
        }
    }

    private void Handle(ReadOnlySpan<byte> json, StreamPlayback playback)
    {
        if (!TwilioInboundMessage.TryRead(json, out var kind, out var payload, out var length, out var mark, out var error))
        {
            ApplicationLog.StreamMessageIgnored(logger, error!);
            return;
        }

        switch (kind)
        {
            case TwilioInboundEvent.Media:
                playback.EnqueueMuLaw(payload!, length); // the playback queue owns the pooled buffer now
                break;
            case TwilioInboundEvent.Mark:
                playback.EnqueueMark(mark ?? string.Empty);
                break;
            case TwilioInboundEvent.Clear:
                playback.Clear();
                break;
            default:
                ApplicationLog.StreamMessageIgnored(logger, "an event other than media, mark or clear");
                break;
        }
    }

    private async Task SendCallerAudioAsync(CancellationToken cancellationToken)
    {
        var audio = call.Stream.SubscribeCallerAudio();
        using var converter = new PcmRateConverter(call.Stream.Playout.SampleRate, 8000);
        var mulaw = new byte[8000];
        var chunk = 0;
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await foreach (var frame in audio.ReadAllAsync(cancellationToken))
            {
                var pcm8k = converter.Convert(frame.Span);
                var count = pcm8k.Length;
                if (count == 0)
                {
                    continue;
                }

                G711MuLawCodec.Instance.Encode(pcm8k.Span, mulaw);
                _sender!.Enqueue(TwilioMediaMessage.Rent(_streamSid, Interlocked.Increment(ref _sequence), ++chunk, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, mulaw.AsSpan(0, count)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendDigitsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var signal in call.Signals.ReadAllAsync(cancellationToken))
            {
                if (signal.Kind == CallSignalKind.Digit)
                {
                    Send(Event("dtmf", "dtmf", new JsonObject { ["track"] = "inbound_track", ["digit"] = signal.Digit.ToString() }));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private JsonObject Event(string name, string bodyName, JsonObject body) => new()
    {
        ["event"] = name,
        ["sequenceNumber"] = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture),
        [bodyName] = body,
        ["streamSid"] = _streamSid,
    };

    private void Send(JsonObject message) => _sender?.Enqueue(PooledMessage.FromText(message.ToJsonString()));

    private async Task SendLoopAsync(WebSocketSendQueue sender)
    {
        try
        {
            await sender.RunAsync();
        }
        catch (WebSocketException ex)
        {
            ApplicationLog.StreamFailed(logger, Webhooks.WebhookAddress.Redact(url), ex.Message);
        }
    }
}
