using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class WebhookEventSenderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_beyond_the_bound_for_a_stuck_application_are_dropped_and_counted()
    {
        // An application that accepts connections and never answers: every event stays queued.
        using var stuck = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        stuck.Start(backlog: 1000);
        await using var app = BuildApp("--Inbound:WebhookTimeoutSeconds=30");
        var dropped = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "voiceagent.webhooks.events.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref dropped, value));
        listener.Start();
        var sender = new WebhookEventSender(app.Services.GetRequiredService<WebhookClient>(), new Uri($"http://{stuck.LocalEndpoint}/hook"), (_, _) => { }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        for (var i = 0; i < 200; i++)
        {
            sender.Post(new JsonObject { ["event"] = "speech.started", ["n"] = i });
        }

        // One in flight, Capacity queued, the rest dropped (the loop may not have taken the first yet: one either way).
        Assert.InRange(Interlocked.Read(ref dropped), 200 - WebhookEventSender.Capacity - 1, 200 - WebhookEventSender.Capacity);
        _ = sender.DisposeAsync(); // bounded wait for a stuck application; not awaited here
    }

    [Fact]
    public async Task A_reply_handler_that_throws_costs_that_event_and_the_next_ones_are_still_delivered()
    {
        await using var application = new RawHttpResponder(IPAddress.Loopback, () => RawHttpResponder.Reply(200, "OK", "[]"));
        await using var app = BuildApp();
        var handled = new List<string>();
        var sender = new WebhookEventSender(
            app.Services.GetRequiredService<WebhookClient>(),
            new Uri(application.Url()),
            (name, _) =>
            {
                lock (handled)
                {
                    handled.Add(name);
                }

                if (name == "bad")
                {
                    throw new InvalidOperationException("a bug in a reply handler");
                }
            },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        sender.Post(new JsonObject { ["event"] = "bad" });
        sender.Post(new JsonObject { ["event"] = "good" });
        var reply = await sender.SendAsync(new JsonObject { ["event"] = "waited" }).WaitAsync(Timeout);
        await sender.DisposeAsync();

        Assert.True(reply.Delivered, reply.Failure);
        Assert.Equal(["bad", "good"], handled);
        Assert.Equal(3, application.Requests);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication BuildApp(params string[] extra)
        => VoiceAgentApp.Build(["--Inbound:WebhookSecret=sender-test-secret-0123456789", "--Inbound:WebhookRetries=0", "--urls=http://127.0.0.1:0", "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", .. extra]);
}
