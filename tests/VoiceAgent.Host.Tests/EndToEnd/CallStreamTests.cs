using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>An application drives a live call over <c>/v1/calls/{id}/stream</c>: events, caller audio, streamed say text, verbs.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CallStreamTests
{
    [Fact]
    public async Task A_websocket_client_gets_events_and_caller_audio_speaks_streamed_text_and_hangs_up()
    {
        var incoming = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApplicationServer.StartAsync(evt =>
        {
            if ((string?)evt["event"] == "call.incoming")
            {
                incoming.TrySetResult((string)evt["callId"]!);
            }

            return "[]"; // the WebSocket client decides what is said
        });
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        using var phone = new BaresipPhone();
        var calling = phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(15));
        var callId = await incoming.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var socket = new ClientWebSocket();
        var wsUri = new Uri(host.Http.BaseAddress!.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + $"v1/calls/{callId}/stream?audio=8000");
        await socket.ConnectAsync(wsUri, CancellationToken.None);
        var events = new List<JsonObject>();
        var audioMessages = 0;
        var audioBytes = 0;
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    audioMessages++;
                    audioBytes += result.Count;
                    continue;
                }

                var evt = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!.AsObject();
                lock (events)
                {
                    events.Add(evt);
                }

                if ((string?)evt["event"] == "say.done" && events.Count(e => (string?)e["event"] == "say.done") == 2)
                {
                    await SendAsync(socket, """{"verb": "hangup"}""");
                }
            }
        });

        await SendAsync(socket, """{"type": "say.text", "text": "Hello there, this"}""");
        await SendAsync(socket, """{"type": "say.text", "text": " is streamed text. And more"}""");
        await SendAsync(socket, """{"type": "say.text", "text": " words.", "final": true}""");
        await SendAsync(socket, """{"verb": "dance"}""");

        await receiving.WaitAsync(TimeSpan.FromSeconds(20));
        await calling;
        var names = events.Select(e => (string)e["event"]!).ToList();
        Assert.Equal(2, names.Count(n => n == "say.done"));
        Assert.Contains("call.ended", names);
        Assert.Contains(events, e => (string?)e["event"] == "call.error" && ((string?)e["error"])!.Contains("unknown verb 'dance'", StringComparison.Ordinal));
        Assert.True(audioMessages > 20, $"{audioMessages} audio messages");
        Assert.Equal(audioMessages * 320, audioBytes); // 20 ms of 16-bit PCM at 8 kHz per message
        var call = await host.WaitForCallAsync(c => c.Id == callId && c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal(["Hello there, this is streamed text.", "And more words."], call.Utterances.Select(u => u.Text));
        Assert.Equal("local-hangup", call.EndReason);
    }

    private static Task SendAsync(ClientWebSocket socket, string json)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
}
