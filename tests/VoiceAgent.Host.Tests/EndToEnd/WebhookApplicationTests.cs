using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>A real HTTP application drives calls placed by baresip through the webhook contract.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebhookApplicationTests
{
    private static string[] WebhookArgs(Uri url, params string[] more) =>
        [$"--Inbound:WebhookUrl={url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}", .. more];

    [Fact]
    public async Task Greeting_gather_branch_on_the_digit_and_hangup_arrive_in_order()
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "call.incoming" => """
                [{"verb": "say", "text": "Welcome to the test line."},
                 {"verb": "gather", "numDigits": 1, "timeoutSeconds": 8, "say": {"text": "Press one for sales or two for support."}}]
                """,
            "gather.done" when (string?)evt["digits"] == "2" => """[{"verb": "say", "text": "Support it is. Goodbye."}, {"verb": "hangup"}]""",
            "gather.done" => """[{"verb": "say", "text": "That was not two."}, {"verb": "hangup"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync(WebhookArgs(app.Url));
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(15), [(TimeSpan.FromSeconds(4), '2')]);

        var ended = await app.WaitForEventAsync("call.ended", TimeSpan.FromSeconds(10));
        Assert.Equal(["call.incoming", "call.answered", "say.done", "gather.done", "say.done", "call.ended"], app.CallFlow);
        var gather = app.Events.Single(e => (string?)e["event"] == "gather.done");
        Assert.Equal("2", (string?)gather["digits"]);
        Assert.Equal("numDigits", (string?)gather["reason"]);
        Assert.Equal("answered", (string?)ended["outcome"]);
        Assert.Equal("local-hangup", (string?)ended["endReason"]);
        Assert.Equal(200, (int?)ended["sipCode"]);
        Assert.Equal(0, app.BadSignatures);
        Assert.All(app.Events, e => Assert.Equal((string?)app.Events[0]["callId"], (string?)e["callId"]));

        // The host hung up after the reply, long before baresip's own limit.
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(14), $"call lasted {result.Elapsed}");
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal(
            ["Welcome to the test line.", "Press one for sales or two for support.", "Support it is. Goodbye."],
            call.Utterances.Select(u => u.Text));
        Assert.NotNull(result.Heard);
        Assert.True(AudioAnalysis.SpeechSeconds(result.Heard!, TimeSpan.Zero, result.Elapsed) > 2, "the caller heard the prompts");
    }

    [Fact]
    public async Task An_unreachable_application_gets_the_fallback_message_and_a_clean_hangup()
    {
        var deadUrl = new Uri($"http://127.0.0.1:{FreePorts.Tcp()}/app");
        await using var host = await RunningHost.StartAsync(WebhookArgs(deadUrl, "--Inbound:WebhookTimeoutSeconds=1", "--Inbound:WebhookRetries=1", "--Inbound:FallbackMessage=Sorry, we are closed."));
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(12));

        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal("local-hangup", call.EndReason);
        Assert.Equal(["Sorry, we are closed."], call.Utterances.Select(u => u.Text));
        Assert.Equal("completed", call.Utterances[0].Outcome);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), $"call lasted {result.Elapsed}");
    }

    [Fact]
    public async Task Unknown_verbs_are_reported_as_call_errors_and_the_call_goes_on()
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "call.incoming" => """[{"verb": "dance"}, {"verb": "say", "text": "Still here.", "colour": "red"}, {"verb": "hangup"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync(WebhookArgs(app.Url));
        using var phone = new BaresipPhone();

        await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(10));

        await app.WaitForEventAsync("call.ended", TimeSpan.FromSeconds(10));
        var errors = app.Events.Where(e => (string?)e["event"] == "call.error").Select(e => (string)e["error"]!).ToList();
        Assert.Contains(errors, e => e.Contains("unknown verb 'dance'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown field 'colour'", StringComparison.Ordinal));
        Assert.Contains("say.done", app.CallFlow);
    }

    [Fact]
    public async Task Each_number_can_have_its_own_application_and_the_rest_go_to_the_default()
    {
        await using var sales = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] == "call.incoming" ? """[{"verb": "say", "text": "Sales."}, {"verb": "hangup"}]""" : "[]");
        await using var fallback = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] == "call.incoming" ? """[{"verb": "say", "text": "Main line."}, {"verb": "hangup"}]""" : "[]");
        await using var host = await RunningHost.StartAsync(WebhookArgs(fallback.Url, $"--Inbound:Numbers:sales={sales.Url}"));
        using var phone = new BaresipPhone();

        await phone.CallAsync(host.Uri("sales"), TimeSpan.FromSeconds(6));
        await phone.CallAsync(host.Uri("support"), TimeSpan.FromSeconds(6));

        await sales.WaitForEventAsync("call.ended", TimeSpan.FromSeconds(5));
        await fallback.WaitForEventAsync("call.ended", TimeSpan.FromSeconds(5));
        Assert.Contains("sales", (string?)sales.Events[0]["to"], StringComparison.Ordinal);
        Assert.Contains("support", (string?)fallback.Events[0]["to"], StringComparison.Ordinal);
        Assert.Single(sales.Events, e => (string?)e["event"] == "call.incoming");
        Assert.Single(fallback.Events, e => (string?)e["event"] == "call.incoming");
    }
}
