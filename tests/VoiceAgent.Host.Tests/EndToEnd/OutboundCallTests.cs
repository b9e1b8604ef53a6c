using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Notification calls through <c>POST /v1/calls</c>: to a real phone, and to callees that do not answer.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OutboundCallTests
{
    private static async Task<string> PlaceAsync(RunningHost host, object request)
    {
        using var response = await host.Http.PostAsJsonAsync("/v1/calls", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/calls/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    private static async Task<CallView> WaitForEndAsync(RunningHost host, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var call = await host.Http.GetFromJsonAsync<CallView>($"/v1/calls/{id}");
            if (call!.State == "ended")
            {
                return call;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"call {id} did not end");
    }

    [Fact]
    public async Task Baresip_answers_hears_the_text_and_the_host_hangs_up()
    {
        await using var host = await RunningHost.StartAsync();
        await using var callee = await BaresipCallee.StartAsync();
        const string Text = "This is a reminder: your appointment is tomorrow at nine.";

        var id = await PlaceAsync(host, new { to = callee.Uri, from = "clinic", text = Text, ringTimeoutSeconds = 10 });
        var heard = await callee.WaitForCallEndAsync(TimeSpan.FromSeconds(20));
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(5));

        Assert.Equal("outbound", call.Direction);
        Assert.Equal("answered", call.Outcome);
        Assert.Equal(200, call.SipCode);
        Assert.Equal("local-hangup", call.EndReason);
        Assert.Equal("PCMU", call.Codec);
        Assert.Contains("clinic", call.From, StringComparison.Ordinal);
        Assert.Equal("completed", call.Utterances.Single().Outcome);

        // What baresip heard follows espeak-ng's own rendering of the text.
        var reference = EspeakReference.Render(Text, "en-us");
        var recorded = AudioAnalysis.FrameRms(heard);
        var expected = AudioAnalysis.FrameRms(reference);
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(heard.Samples.Length / (double)heard.SampleRate)) > 2);
        Assert.True(AudioAnalysis.EnvelopeCorrelation(recorded, expected, maxLagFrames: 50) > 0.6);
    }

    [Theory]
    [InlineData(486, "busy", 486)]
    [InlineData(603, "rejected", 603)]
    [InlineData(0, "no-answer", 487)]
    public async Task A_callee_that_does_not_answer_gives_the_outcome_and_its_sip_code(int peerStatus, string outcome, int sipCode)
    {
        await using var host = await RunningHost.StartAsync();
        using var peer = new ScriptedSipPeer(peerStatus);

        var id = await PlaceAsync(host, new { to = peer.Uri, text = "Hello.", ringTimeoutSeconds = 2 });
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(10));

        Assert.Equal(outcome, call.Outcome);
        Assert.Equal(sipCode, call.SipCode);
        Assert.Equal("not-answered", call.EndReason);
        Assert.Null(call.AnsweredAt);
        if (peerStatus == 0)
        {
            Assert.Contains("CANCEL", peer.Methods); // the ring timeout cancelled the INVITE (RFC 3261 §9.1)
        }
        else
        {
            Assert.Contains("ACK", peer.Methods); // the final response was acknowledged in the transaction
        }
    }

    [Fact]
    public async Task An_unreachable_callee_fails_with_408_and_delete_cancels_a_ringing_call()
    {
        await using var host = await RunningHost.StartAsync();

        var unreachable = await PlaceAsync(host, new { to = $"sip:nobody@127.0.0.1:{FreePorts.Udp()}", text = "Hello.", ringTimeoutSeconds = 1 });
        var failed = await WaitForEndAsync(host, unreachable, TimeSpan.FromSeconds(10));
        Assert.Equal("failed", failed.Outcome);
        Assert.Equal(408, failed.SipCode);

        using var peer = new ScriptedSipPeer(0);
        var ringing = await PlaceAsync(host, new { to = peer.Uri, text = "Hello.", ringTimeoutSeconds = 30 });
        await Task.Delay(500);
        using (var deleted = await host.Http.DeleteAsync($"/v1/calls/{ringing}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        }

        var cancelled = await WaitForEndAsync(host, ringing, TimeSpan.FromSeconds(5));
        Assert.Equal("cancelled", cancelled.Outcome);
        Assert.Equal(487, cancelled.SipCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.DeleteAsync($"/v1/calls/{ringing}")).StatusCode);
    }

    [Fact]
    public async Task Invalid_call_requests_name_each_field()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Http.PostAsJsonAsync("/v1/calls", new { to = "sip:bob@127.0.0.1", from = "bad user", text = "", ringTimeoutSeconds = 0, trunk = "main" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "from", "text", "ringTimeoutSeconds", "trunk" })
        {
            Assert.Contains($"\"{field}\"", problem, StringComparison.Ordinal);
        }

        Assert.Contains("no trunk is configured", problem, StringComparison.Ordinal);

        // A phone number with no trunk to carry it.
        using var number = await host.Http.PostAsJsonAsync("/v1/calls", new { to = "+15551234567", text = "Hello." });
        Assert.Equal(HttpStatusCode.BadRequest, number.StatusCode);
        var numberProblem = await number.Content.ReadAsStringAsync();
        Assert.Contains("\"to\"", numberProblem, StringComparison.Ordinal);
        Assert.Contains("Trunks:<name>:Proxy", numberProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_confirmation_call_runs_its_verbs_gathers_the_callees_key_and_reports_to_its_application()
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "gather.done" when (string?)evt["digits"] == "1" => """[{"verb": "say", "text": "Your appointment is confirmed. Goodbye."}, {"verb": "hangup"}]""",
            "gather.done" => """[{"verb": "say", "text": "We did not get that. Goodbye."}, {"verb": "hangup"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        await using var callee = await BaresipCallee.StartAsync();

        var id = await PlaceAsync(host, new
        {
            to = callee.Uri,
            webhookUrl = app.Url.ToString(),
            verbs = new object[]
            {
                new { verb = "gather", numDigits = 1, timeoutSeconds = 6, say = new { text = "Press one to confirm your appointment." } },
            },
        });
        await callee.Answered.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(1500);
        await callee.PressAsync('1');
        await callee.WaitForCallEndAsync(TimeSpan.FromSeconds(20));
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(5));

        var ended = await app.WaitForEventAsync("call.ended", TimeSpan.FromSeconds(5));
        Assert.Equal(["call.answered", "gather.done", "say.done", "call.ended"], app.CallFlow);
        Assert.Equal("1", (string?)app.Events.Single(e => (string?)e["event"] == "gather.done")["digits"]);
        Assert.Equal("answered", (string?)ended["outcome"]);
        Assert.Equal("local-hangup", call.EndReason);
        Assert.Equal(["Press one to confirm your appointment.", "Your appointment is confirmed. Goodbye."], call.Utterances.Select(u => u.Text));
        Assert.Contains(call.Events, e => e.Name == "dtmf" && e.Detail == "1");
    }

    [Fact]
    public async Task A_busy_callee_is_tried_again_and_the_application_hears_each_outcome()
    {
        await using var app = await TestApplicationServer.StartAsync(_ => "[]");
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        using var peer = new ScriptedSipPeer(486);

        var id = await PlaceAsync(host, new { to = peer.Uri, text = "Hello.", webhookUrl = app.Url.ToString(), retries = 1, retryDelaySeconds = 1 });
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(15));

        Assert.Equal(2, peer.Methods.Count(m => m == "INVITE"));
        Assert.Equal("busy", call.Outcome);
        Assert.Equal(486, call.SipCode);
        Assert.Contains(call.Events, e => e.Name == "retry");
        var reports = app.Events.Where(e => (string?)e["event"] == "call.ended").ToList();
        Assert.Equal([1, 2], reports.Select(e => (int)e["attempt"]!));
        Assert.All(reports, e => Assert.Equal("busy", (string?)e["outcome"]));
    }

    [Fact]
    public async Task Invalid_verbs_and_a_webhook_without_a_secret_are_refused_naming_the_fields()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Http.PostAsJsonAsync("/v1/calls", new { to = "sip:a@127.0.0.1:5", verbs = new object[] { new { verb = "sing" } }, webhookUrl = "http://127.0.0.1:9/x", retries = 99 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("unknown verb 'sing'", problem, StringComparison.Ordinal);
        Assert.Contains("Inbound:WebhookSecret", problem, StringComparison.Ordinal);
        Assert.Contains("\"retries\"", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_digits_presses_keys_that_the_far_end_decodes()
    {
        await using var caller = await RunningHost.StartAsync();
        await using var callee = await RunningHost.StartAsync("--Inbound:Greeting=Hi."); // the demo line: says the key, hangs up on #

        var id = await PlaceAsync(caller, new { to = callee.Uri(), verbs = new object[] { new { verb = "pause", seconds = 1 }, new { verb = "sendDigits", digits = "7#" }, new { verb = "pause", seconds = 5 } } });

        var far = await callee.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(15));
        Assert.Equal(["7", "#"], far.Events.Where(e => e.Name == "dtmf").Select(e => e.Detail));
        Assert.Equal("local-hangup", far.EndReason); // the demo hung up on '#'
        var near = await WaitForEndAsync(caller, id, TimeSpan.FromSeconds(5));
        Assert.Equal("remote-hangup", near.EndReason);
    }
}
