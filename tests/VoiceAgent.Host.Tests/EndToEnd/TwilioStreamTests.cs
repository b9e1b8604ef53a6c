using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Host.Tests.Infrastructure;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// An application written for Twilio Media Streams (a WebSocket server here, the way such apps
/// run) drives a call placed by baresip: it receives start and the caller's media, streams its own
/// audio back, which baresip hears, and a clear stops that audio.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwilioStreamTests
{
    [Fact]
    public async Task The_stream_application_hears_the_caller_is_heard_and_clear_stops_its_audio()
    {
        var received = new ConcurrentQueue<JsonObject>();
        var speech = MuLaw8k(EspeakReference.Render(
            "This audio comes from the stream application. It keeps talking for a long time so that a clear message has something to stop, " +
            "and the caller would hear all of it if the clear were ignored.", "en-us"));
        await using var app = await StartStreamApplicationAsync(received, speech);
        await using var host = await RunningHost.StartAsync($"--Inbound:StreamUrl={app.Url}");
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(6));

        await WaitUntilAsync(() => received.Any(m => (string?)m["event"] == "stop"), TimeSpan.FromSeconds(5));
        var events = received.Select(m => (string)m["event"]!).ToList();
        Assert.Equal(["connected", "start"], events.Take(2));
        var start = received.Single(m => (string?)m["event"] == "start");
        Assert.Equal("audio/x-mulaw", (string?)start["start"]!["mediaFormat"]!["encoding"]);
        var media = received.Where(m => (string?)m["event"] == "media").ToList();
        Assert.True(media.Count > 100, $"{media.Count} media messages from the caller");
        Assert.All(media.Take(50), m => Assert.Equal(160, Convert.FromBase64String((string)m["media"]!["payload"]!).Length));
        Assert.Equal((string?)start["streamSid"], (string?)media[0]["streamSid"]);

        // The mark after the long audio comes back once clear has dropped it, not after the audio would have ended.
        var mark = received.Single(m => (string?)m["event"] == "mark");
        Assert.Equal("end-of-speech", (string?)mark["mark"]!["name"]);
        Assert.True(events.IndexOf("mark") < events.IndexOf("stop"));

        var heard = result.Heard!;
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(1.8)) > 0.8, "the application's audio was heard");
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.FromSeconds(2.7), TimeSpan.FromSeconds(5)) < 0.1, "clear stopped it");
    }

    private static byte[] MuLaw8k(WavFile wav)
    {
        using var resampler = new SoxrResampler(wav.SampleRate, 8000);
        var pcm = new short[resampler.MaxOutputFor(wav.Samples.Length) + 8000];
        var count = resampler.Process(wav.Samples, pcm);
        count += resampler.Flush(pcm.AsSpan(count));
        var mulaw = new byte[count];
        G711MuLawCodec.Instance.Encode(pcm.AsSpan(0, count), mulaw);
        return mulaw;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "timed out");
    }

    /// <summary>The application: on start it streams <paramref name="speech"/> and a mark at once, and sends clear 2 s later.</summary>
    private static async Task<StreamApplication> StartStreamApplicationAsync(ConcurrentQueue<JsonObject> received, byte[] speech)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var web = builder.Build();
        web.UseWebSockets();
        web.Map("/stream", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var send = new SemaphoreSlim(1);
            async Task SendAsync(JsonObject message)
            {
                await send.WaitAsync();
                try
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
                }
                finally
                {
                    send.Release();
                }
            }

            var buffer = new byte[256 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var message = JsonNode.Parse(buffer.AsSpan(0, result.Count))!.AsObject();
                received.Enqueue(message);
                if ((string?)message["event"] != "start")
                {
                    continue;
                }

                var sid = (string?)message["streamSid"];
                for (var offset = 0; offset < speech.Length; offset += 160)
                {
                    var payload = Convert.ToBase64String(speech, offset, Math.Min(160, speech.Length - offset));
                    await SendAsync(new JsonObject { ["event"] = "media", ["streamSid"] = sid, ["media"] = new JsonObject { ["payload"] = payload } });
                }

                await SendAsync(new JsonObject { ["event"] = "mark", ["streamSid"] = sid, ["mark"] = new JsonObject { ["name"] = "end-of-speech" } });
                _ = Task.Delay(2000).ContinueWith(_ => SendAsync(new JsonObject { ["event"] = "clear", ["streamSid"] = sid }), TaskScheduler.Default);
            }
        });
        await web.StartAsync();
        return new StreamApplication(web, new Uri(web.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/stream"));
    }

    private sealed class StreamApplication(WebApplication web, Uri url) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await web.StopAsync();
            await web.DisposeAsync();
        }
    }
}
