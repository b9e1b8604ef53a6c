using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd.Adversarial;

/// <summary>
/// The HTTP API under attack (hardening issue items 10-14): web pages and rebound names, dialing
/// anywhere, webhooks that redirect, speech requests that exhaust the host. Non-loopback targets are
/// only ever named to a host inside its own network namespace.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApiAdversarialTests
{
    private const string Secret = "adversarial-secret-0123456789";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_foreign_host_header_gets_421_while_addresses_localhost_and_allowed_names_are_answered()
    {
        await using var host = await RunningHost.StartAsync("--Api:AllowedHosts:0=voice.example.com", "--Api:AllowedHosts:1=*.agents.example");

        async Task<HttpStatusCode> GetWithHostAsync(string hostHeader)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/voices");
            request.Headers.Host = hostHeader;
            using var response = await host.Http.SendAsync(request).WaitAsync(Timeout);
            return response.StatusCode;
        }

        var port = host.Http.BaseAddress!.Port;
        Assert.Equal(HttpStatusCode.MisdirectedRequest, await GetWithHostAsync("attacker.example"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, await GetWithHostAsync($"rebind.attacker.example:{port}"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, await GetWithHostAsync("2130706433")); // 127.0.0.1 as one number: a name here
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync($"127.0.0.1:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync($"localhost:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync($"[::1]:{port}"));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync("voice.example.com"));
        Assert.Equal(HttpStatusCode.OK, await GetWithHostAsync("eu.agents.example"));
    }

    [Fact]
    public async Task A_websocket_upgrade_from_a_foreign_origin_gets_403_and_a_same_origin_one_reaches_the_endpoint()
    {
        await using var host = await RunningHost.StartAsync();
        var url = new Uri($"ws://127.0.0.1:{host.Http.BaseAddress!.Port}/v1/calls/c000000000000/stream");

        async Task<HttpStatusCode> UpgradeAsync(string origin)
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader("Origin", origin);
            try
            {
                await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Timeout);
            }
            catch (WebSocketException)
            {
            }

            return socket.HttpStatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync("http://attacker.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync("null"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync($"http://127.0.0.1:{host.Http.BaseAddress.Port + 1}")); // another local web server's page
        Assert.Equal(HttpStatusCode.NotFound, await UpgradeAsync($"http://127.0.0.1:{host.Http.BaseAddress.Port}")); // past the check: no such call

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/v1/calls") { Content = JsonContent.Create(new { to = "sip:x@127.0.0.1:9", text = "Hi." }) };
        crossSite.Headers.Add("Origin", "https://attacker.example");
        using var refused = await host.Http.SendAsync(crossSite).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Theory]
    [InlineData("--Kestrel:Endpoints:web:Url=http://0.0.0.0:8081", "Kestrel:Endpoints:web:Url")]
    [InlineData("--Kestrel:Endpoints:v6:Url=http://[::]:8081", "Kestrel:Endpoints:v6:Url")]
    [InlineData("--Kestrel:Endpoints:lan:Url=http://192.0.2.10:8081", "Kestrel:Endpoints:lan:Url")]
    public void Kestrel_endpoints_off_loopback_without_a_key_stop_start_up_naming_the_endpoint(string argument, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build([argument]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Api:AllowedHosts:0=http://x", "Api:AllowedHosts:0")]
    [InlineData("--Api:MaxConcurrentSpeech=0", "Api:MaxConcurrentSpeech")]
    [InlineData("--Api:MaxSpeechBytes=10", "Api:MaxSpeechBytes")]
    [InlineData("--Outbound:AllowedDestinations:0=premium", "Outbound:AllowedDestinations:0")]
    [InlineData("--Outbound:AllowedDestinations:0=sip:bad host", "Outbound:AllowedDestinations:0")]
    public void Bad_values_of_the_new_keys_stop_start_up_naming_the_key(string argument, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build([argument]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_process_told_to_bind_all_interfaces_through_kestrel_endpoints_exits_with_code_2()
    {
        // In its own namespace: were the check to regress, the API would be open on no real interface.
        await using var host = IsolatedHostProcess.Start("--Kestrel:Endpoints:web:Url=http://0.0.0.0:8081");

        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains("Kestrel:Endpoints:web:Url", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binding_that_no_checked_setting_names_is_caught_once_bound_and_the_process_exits_with_code_2()
    {
        // http_ports binds every interface without a Urls entry to read: the check of the bound addresses stops it.
        await using var host = IsolatedHostProcess.Start("--Urls=", "--http_ports=8081");

        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains("bound to http://[::]:8081", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_targets_that_are_not_destinations_get_400_naming_to_and_public_ones_need_the_allow_list()
    {
        // Link-local, multicast and unspecified targets are named to a host in its own network namespace only.
        await using var host = IsolatedHostProcess.Start();
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        string[] invalid =
        [
            "sip:x@169.254.169.254",
            "sip:x@224.0.0.1",
            "sip:x@0.0.0.0",
            "sip:x@255.255.255.255",
            "sip:x@[fe80::1]",
            "sip:x@[ff02::1]",
            "sip:x@[::ffff:169.254.169.254]",
            "sip:x@2852039166",              // 169.254.169.254 as one number, which inet_aton reads
            "sip:x@0251.0376.0251.0376",     // ... and in octal
            "sip:a>,<sip:b@127.0.0.1",       // a second To value
            "sip:x@127.0.0.1;maddr=169.254.169.254",
            "sip:x@127.0.0.1?Route=%3Csip:169.254.169.254%3E",
            "sip:x@127.0.0.1:0",
        ];
        foreach (var target in invalid)
        {
            var (status, body) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new { to = target, text = "Hello." }));
            Assert.True(status == 400, $"{target}: {status} {body}");
            Assert.True(JsonNode.Parse(body)?["errors"]?["to"] is JsonArray, $"{target}: the problem does not name 'to': {body}");
        }

        foreach (var target in new[] { "sip:x@192.0.2.10", "sip:x@metadata.google.internal", "sip:x@pbx.example.com" })
        {
            var (status, body) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new { to = target, text = "Hello." }));
            Assert.True(status == 403, $"{target}: {status} {body}");
            Assert.Contains("Outbound:AllowedDestinations", body, StringComparison.Ordinal);
        }

        foreach (var webhook in new[] { "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x", "http://0.0.0.0:8080/x" })
        {
            var (status, body) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new { to = "sip:x@127.0.0.1:5999", text = "Hello.", webhookUrl = webhook }));
            Assert.True(status == 400 && body.Contains("webhookUrl", StringComparison.Ordinal), $"{webhook}: {status} {body}");
        }

        var (redirectStatus, redirectBody) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new { to = "sip:x@127.0.0.1:5999", verbs = new object[] { new { verb = "redirect", url = "http://169.254.169.254/x" } } }));
        Assert.True(redirectStatus == 400 && redirectBody.Contains("verbs", StringComparison.Ordinal), $"redirect: {redirectStatus} {redirectBody}");

        var (loopbackStatus, loopbackBody) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new { to = "sip:x@127.0.0.1:5999", text = "Hello.", ringTimeoutSeconds = 1 }));
        Assert.True(loopbackStatus == 201, $"a loopback target is a developer's: {loopbackStatus} {loopbackBody}");
        Assert.DoesNotContain("169.254", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_a_trunk_numbers_need_an_allowed_prefix()
    {
        using var trunk = new ScriptedSipPeer(486);
        await using (var open = await RunningHost.StartAsync($"--Trunks:acme:Proxy=127.0.0.1:{trunk.Port}"))
        {
            using var refused = await open.Http.PostAsJsonAsync("/v1/calls", new { to = "+15551234567", text = "Hello." }).WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("Outbound:AllowedDestinations", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var host = await RunningHost.StartAsync($"--Trunks:acme:Proxy=127.0.0.1:{trunk.Port}", "--Trunks:acme:Domain=trunk.test", "--Outbound:AllowedDestinations:0=+1555", "--Outbound:AllowedDestinations:1=sip:*.trunk.test");
        foreach (var to in new[] { "+19005550100", "1-900-555-0100", "sip:+19005550100@trunk.test", "sip:19005550100@trunk.test", "sip:alice@elsewhere.example" })
        {
            using var response = await host.Http.PostAsJsonAsync("/v1/calls", new { to, text = "Hello." }).WaitAsync(Timeout);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{to}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        foreach (var to in new[] { "+15551234567", "sip:alice@trunk.test", "sip:+15550000@trunk.test" })
        {
            using var response = await host.Http.PostAsJsonAsync("/v1/calls", new { to, text = "Hello.", ringTimeoutSeconds = 2 }).WaitAsync(Timeout);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{to}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var deadline = DateTime.UtcNow + Timeout;
        while (trunk.Methods.Count(m => m == "INVITE") < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(3, trunk.Methods.Count(m => m == "INVITE"));
    }

    [Fact]
    public async Task A_webhook_answering_307_is_not_followed_to_the_other_listener()
    {
        await using var witness = new RawHttpResponder(IPAddress.Parse("127.0.0.2"), () => RawHttpResponder.Reply(200, "OK", "[]"));
        await using var redirector = new RawHttpResponder(IPAddress.Loopback, () => RawHttpResponder.Reply(307, "Temporary Redirect", extraHeaders: $"Location: {witness.Url("/stolen")}\r\n"));
        using var callee = new ScriptedSipPeer(486);
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookSecret={Secret}", "--Inbound:WebhookRetries=0");

        using var placed = await host.Http.PostAsJsonAsync("/v1/calls", new { to = callee.Uri, text = "Hello.", webhookUrl = redirector.Url() }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        await redirector.WaitForRequestsAsync(1, Timeout); // call.ended for the rejected attempt
        await Task.Delay(1500);

        Assert.Equal(0, witness.Connections);
    }

    [Fact]
    public async Task Each_application_host_has_its_own_circuit_breaker()
    {
        await using var healthy = new RawHttpResponder(IPAddress.Parse("127.0.0.3"), () => RawHttpResponder.Reply(200, "OK", "[]"));
        var deadPort = FreePorts.Tcp(); // nothing listens: each delivery fails at once
        await using var app = VoiceAgentApp.Build([$"--Inbound:WebhookSecret={Secret}", "--Inbound:WebhookRetries=0", "--urls=http://127.0.0.1:0", "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}"]);
        var client = app.Services.GetRequiredService<WebhookClient>();
        var dead = new Uri($"http://127.0.0.1:{deadPort}/hook");

        WebhookReply last = default!;
        for (var i = 0; i < 150 && !(last?.Failure?.Contains("circuit", StringComparison.OrdinalIgnoreCase) ?? false); i++)
        {
            last = await client.SendAsync(dead, new JsonObject { ["event"] = "call.test" }, CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Contains("circuit", last.Failure ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        var other = await client.SendAsync(new Uri(healthy.Url()), new JsonObject { ["event"] = "call.test" }, CancellationToken.None).WaitAsync(Timeout);
        Assert.True(other.Delivered, $"the healthy application shared the dead one's breaker: {other.Failure}");
        Assert.Equal(1, healthy.Requests);
    }

    [Fact]
    public async Task Webhook_urls_appear_in_logs_without_their_credentials_or_query()
    {
        await using var host = IsolatedHostProcess.Start($"--Inbound:WebhookSecret={Secret}", "--Inbound:WebhookRetries=0");
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        // Nothing listens on 127.0.0.1:5999 or :9 in the namespace: the attempt fails and call.ended fails to deliver.
        var (status, body) = await host.CurlAsync("POST", "/v1/calls", JsonSerializer.Serialize(new
        {
            to = "sip:x@127.0.0.1:5999",
            text = "Hello.",
            ringTimeoutSeconds = 1,
            webhookUrl = "http://app-user:hunter2-password@127.0.0.1:9/hook?token=query-secret-value",
        }));
        Assert.True(status == 201, $"{status} {body}");
        var deadline = DateTime.UtcNow + Timeout;
        while (!host.Output.Contains("/hook?***", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains("http://***@127.0.0.1:9/hook?***", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-password", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret-value", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_requests_over_the_limit_get_429_with_retry_after_and_the_place_is_given_back()
    {
        await using var host = await RunningHost.StartAsync("--Api:MaxConcurrentSpeech=1");
        var longText = string.Join(' ', Enumerable.Repeat("This sentence keeps the synthesizer busy for a while.", 70));

        // Streamed and never read: the request holds its place while the response backs up.
        using var holding = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = JsonContent.Create(new { input = longText, stream = true }) };
        using (var first = await host.Http.SendAsync(holding, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            using var second = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { input = "Hello." }).WaitAsync(Timeout);

            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.True(second.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero, "no Retry-After");
        }

        var deadline = DateTime.UtcNow + Timeout;
        HttpStatusCode status;
        do
        {
            using var again = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { input = "Hello." }).WaitAsync(Timeout);
            status = again.StatusCode;
            await Task.Delay(status == HttpStatusCode.OK ? 0 : 200);
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_non_streamed_speech_response_is_refused_past_the_buffer_bound()
    {
        await using var host = await RunningHost.StartAsync("--Api:MaxSpeechBytes=65536");

        using var response = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { input = string.Join(' ', Enumerable.Repeat("A sentence of speech that takes a second or two.", 20)), speed = 0.5 }).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("stream", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_say_text_flood_over_the_websocket_is_refused_once_the_call_has_its_bound_of_verbs_waiting()
    {
        var incoming = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApplicationServer.StartAsync(evt =>
        {
            if ((string?)evt["event"] == "call.incoming")
            {
                incoming.TrySetResult((string)evt["callId"]!);
            }

            return "[]";
        });
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        using var phone = new BaresipPhone();
        var calling = phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(8));
        var callId = await incoming.Task.WaitAsync(TimeSpan.FromSeconds(15));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Http.BaseAddress!.Port}/v1/calls/{callId}/stream"), CancellationToken.None).WaitAsync(Timeout);
        var refusals = 0;
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

                if (Encoding.UTF8.GetString(buffer, 0, result.Count).Contains("say.text dropped", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refusals);
                }
            }
        });

        // 500 messages of four clauses each: 2000 say verbs if nothing bounded them.
        var message = Encoding.UTF8.GetBytes("""{"type": "say.text", "text": "One. Two. Three. Four. "}""");
        for (var i = 0; i < 500 && socket.State == WebSocketState.Open; i++)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);
        }

        await calling.WaitAsync(Timeout);
        await receiving.WaitAsync(Timeout);
        var call = await host.WaitForCallAsync(c => c.Id == callId && c.State == "ended", Timeout);

        Assert.True(refusals > 400, $"only {refusals} of 500 say.text messages were refused");
        // What was queued (the bound, plus one message's clauses) and what was spoken meanwhile; 2000 without the bound.
        Assert.True(call.Utterances.Count < 2 * VoiceAgent.Host.Applications.Streams.CallStreamSession.MaxQueuedVerbs, $"{call.Utterances.Count} utterances");
    }
}
