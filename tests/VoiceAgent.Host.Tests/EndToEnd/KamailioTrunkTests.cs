using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// Kamailio as the trunk: it challenges REGISTER (401) and INVITE (407) with Digest and relays
/// calls between the host and baresip phones registered there, record-routing so that ACK and BYE
/// pass through it too. Its notices (<see cref="KamailioProxy.Notices"/>) are its own view.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KamailioTrunkTests
{
    private const string Greeting = "Hello, you have reached the test line. Press any key.";

    /// <summary>
    /// The host's trunk options for one transport: over UDP the single trunk of the Outbound section,
    /// over TCP a named trunk (Trunks:kamailio) whose proxy says ;transport=tcp.
    /// </summary>
    private static string[] HostTrunkArguments(KamailioProxy trunk, string transport) => transport switch
    {
        "udp" =>
        [
            $"--Outbound:Proxy=127.0.0.1:{trunk.Port}", "--Outbound:Register=true", $"--Outbound:Domain={KamailioProxy.Domain}",
            $"--Outbound:Username={KamailioProxy.VoiceAgent.User}", $"--Outbound:Password={KamailioProxy.VoiceAgent.Password}",
        ],
        "tcp" =>
        [
            $"--Trunks:kamailio:Proxy=127.0.0.1:{trunk.Port};transport=tcp", "--Trunks:kamailio:Register=true", $"--Trunks:kamailio:Domain={KamailioProxy.Domain}",
            $"--Trunks:kamailio:Username={KamailioProxy.VoiceAgent.User}", $"--Trunks:kamailio:Password={KamailioProxy.VoiceAgent.Password}",
        ],
        _ => throw new NotSupportedException($"The host has no SIP {transport} transport."),
    };

    private static string HostAor => $"sip:{HostAccount}";

    /// <summary>The host's account as the trunk's notices name it (user@domain).</summary>
    private static string HostAccount => $"{KamailioProxy.VoiceAgent.User}@{KamailioProxy.Domain}";

    [Theory]
    [InlineData("udp", "tcp")]
    [InlineData("tcp", "udp")]
    public async Task Two_phones_registered_at_the_trunk_reach_each_other_across_transports(string callerTransport, string calleeTransport)
    {
        // The trunk configuration itself, with no host involved: the caller's speech reaches the callee.
        await using var trunk = await KamailioProxy.StartAsync();
        await using var bob = await BaresipCallee.StartAsync(trunk.RegistrationFor(KamailioProxy.Bob, calleeTransport));
        var speech = EspeakReference.Render("One two three four five six seven.", "en-us");
        using var alice = new BaresipPhone(microphone: speech, registration: trunk.RegistrationFor(KamailioProxy.Alice, callerTransport));

        var call = await alice.CallAsync(bob.Uri, TimeSpan.FromSeconds(6));
        var heard = await bob.WaitForCallEndAsync(TimeSpan.FromSeconds(15));

        Assert.True(call.Heard is not null, "alice's call was not established.\n" + call.Output + "\n" + trunk.Notices);
        AssertNoticed(trunk, $"challenge INVITE bob@{KamailioProxy.Domain} from alice ({callerTransport})");
        AssertNoticed(trunk, $"authenticated INVITE bob@{KamailioProxy.Domain} as alice ({callerTransport})");
        AssertNoticed(trunk, $"sent INVITE to 127.0.0.1:{bob.Port} over {calleeTransport}");
        AssertNoticed(trunk, $"sent BYE to 127.0.0.1:{bob.Port} over {calleeTransport}");
        var correlation = AudioAnalysis.EnvelopeCorrelation(AudioAnalysis.FrameRms(heard), AudioAnalysis.FrameRms(speech), maxLagFrames: 50);
        Assert.True(correlation > 0.6, $"bob did not hear alice's speech (r={correlation:F2}).\n{bob.Output}");
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task The_host_registers_through_the_401_challenge_refreshes_within_the_granted_lifetime_and_unregisters_at_shutdown(string transport)
    {
        // The host asks for 300 s; the trunk grants 10 s, so the host must refresh after about 8 s (RFC 3261 §10.2.4).
        await using var trunk = await KamailioProxy.StartAsync(maxRegistrationLifetime: TimeSpan.FromSeconds(10));
        var host = await RunningHost.StartAsync(HostTrunkArguments(trunk, transport));
        var registeredLine = $"registered {HostAccount} bindings 1 via {transport}";
        try
        {
            var registration = await WaitForRegistrationAsync(host, trunk, TimeSpan.FromSeconds(10));
            Assert.Equal(HostAor, registration.GetProperty("aor").GetString());
            Assert.Equal(200, registration.GetProperty("lastStatus").GetInt32());
            var expiresIn = registration.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow;
            Assert.True(expiresIn < TimeSpan.FromSeconds(15), $"the host did not take the granted lifetime: expires in {expiresIn.TotalSeconds:F0} s");

            var notices = trunk.Notices;
            var challenge = notices.IndexOf($"challenge REGISTER {HostAccount} ({transport})", StringComparison.Ordinal);
            Assert.True(challenge >= 0 && challenge < notices.IndexOf(registeredLine, StringComparison.Ordinal), "the trunk did not challenge the first REGISTER:\n" + notices);
            AssertNoticed(trunk, $"contact <sip:{KamailioProxy.VoiceAgent.User}@127.0.0.1:{host.SipPort};transport={transport}>");

            // The refresh: a second REGISTER that the trunk accepted, before the first binding expired.
            await trunk.WaitForLogAsync(registeredLine, TimeSpan.FromSeconds(20), count: 2);
            Assert.Equal("registered", (await WaitForRegistrationAsync(host, trunk, TimeSpan.FromSeconds(1))).GetProperty("state").GetString());
        }
        finally
        {
            await host.DisposeAsync();
        }

        // Shutdown removed the binding (Expires: 0): the trunk holds none for the host's AOR.
        await trunk.WaitForLogAsync($"registered {HostAccount} bindings 0 via {transport}", TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task The_host_calls_a_phone_registered_at_the_trunk_through_the_407_challenge_and_the_phone_hears_the_text(string transport)
    {
        await using var trunk = await KamailioProxy.StartAsync();
        await using var host = await RunningHost.StartAsync(HostTrunkArguments(trunk, transport));
        await using var bob = await BaresipCallee.StartAsync(trunk.RegistrationFor(KamailioProxy.Bob, transport));
        const string Text = "This is a reminder: your appointment is tomorrow at nine.";

        var id = await PlaceAsync(host, new { to = bob.Uri, from = "clinic", text = Text, ringTimeoutSeconds = 10 });
        var heard = await bob.WaitForCallEndAsync(TimeSpan.FromSeconds(25));
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(5));

        Assert.True(call.Outcome == "answered", $"outcome {call.Outcome} ({call.SipCode}).\n{trunk.Notices}");
        Assert.Equal(200, call.SipCode);
        Assert.Equal("local-hangup", call.EndReason);
        AssertNoticed(trunk, $"challenge INVITE bob@{KamailioProxy.Domain} from clinic ({transport})");
        AssertNoticed(trunk, $"authenticated INVITE bob@{KamailioProxy.Domain} as {KamailioProxy.VoiceAgent.User} ({transport})");
        AssertNoticed(trunk, $"sent INVITE to 127.0.0.1:{bob.Port} over {transport}");
        // The host followed the Record-Route set (RFC 3261 §12.1.2): its ACK and BYE came through the trunk.
        // Over TCP they come from the port of the connection the host already has open to the trunk.
        var hostPort = transport == "udp" ? host.SipPort.ToString(System.Globalization.CultureInfo.InvariantCulture) : @"\d+";
        Assert.Matches($@"in-dialog ACK from 127\.0\.0\.1:{hostPort} \({transport}\)", trunk.Notices);
        Assert.Matches($@"in-dialog BYE from 127\.0\.0\.1:{hostPort} \({transport}\)", trunk.Notices);
        AssertNoticed(trunk, $"sent BYE to 127.0.0.1:{bob.Port} over {transport}");

        var correlation = AudioAnalysis.EnvelopeCorrelation(AudioAnalysis.FrameRms(heard), AudioAnalysis.FrameRms(EspeakReference.Render(Text, "en-us")), maxLagFrames: 50);
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(heard.Samples.Length / (double)heard.SampleRate)) > 2, "too little speech in what bob heard");
        Assert.True(correlation > 0.6, $"what bob heard does not follow espeak-ng's rendering of the text (r={correlation:F2})");
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_call_through_the_trunk_to_a_user_not_registered_there_is_rejected_with_404(string transport)
    {
        await using var trunk = await KamailioProxy.StartAsync();
        await using var host = await RunningHost.StartAsync(HostTrunkArguments(trunk, transport));

        var id = await PlaceAsync(host, new { to = $"sip:nobody@{KamailioProxy.Domain}", text = "Hello.", ringTimeoutSeconds = 5 });
        var call = await WaitForEndAsync(host, id, TimeSpan.FromSeconds(10));

        Assert.True(call.SipCode == 404, $"outcome {call.Outcome} ({call.SipCode}).\n{trunk.Notices}");
        Assert.Equal("rejected", call.Outcome);
        AssertNoticed(trunk, $"authenticated INVITE nobody@{KamailioProxy.Domain} as {KamailioProxy.VoiceAgent.User} ({transport})");
        AssertNoticed(trunk, $"nobody@{KamailioProxy.Domain} is not registered");
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_phone_registered_at_the_trunk_calls_the_hosts_account_and_hears_the_greeting(string transport)
    {
        await using var trunk = await KamailioProxy.StartAsync();
        await using var host = await RunningHost.StartAsync([.. HostTrunkArguments(trunk, transport), $"--Inbound:Greeting={Greeting}"]);
        await WaitForRegistrationAsync(host, trunk, TimeSpan.FromSeconds(10));
        using var alice = new BaresipPhone(registration: trunk.RegistrationFor(KamailioProxy.Alice, transport));

        var result = await alice.CallAsync(HostAor, TimeSpan.FromSeconds(7));

        Assert.True(result.Heard is not null, "alice's call was not established.\n" + result.Output + "\n" + trunk.Notices);
        var heard = result.Heard!;
        var correlation = AudioAnalysis.EnvelopeCorrelation(AudioAnalysis.FrameRms(heard), AudioAnalysis.FrameRms(EspeakReference.Render(Greeting, "en-us")), maxLagFrames: 50);
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(7)) > 1.5, "too little speech in what alice heard");
        Assert.True(correlation > 0.6, $"what alice heard does not follow espeak-ng's rendering of the greeting (r={correlation:F2})");

        // alice hung up; her BYE reached the host through the trunk's Record-Route.
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(10));
        Assert.Equal("inbound", call.Direction);
        Assert.Equal("remote-hangup", call.EndReason);
        Assert.Equal(Greeting, call.Utterances[0].Text);
        AssertNoticed(trunk, $"authenticated INVITE {HostAccount} as alice ({transport})");
        AssertNoticed(trunk, $"relaying INVITE for {HostAccount} to sip:{KamailioProxy.VoiceAgent.User}@127.0.0.1:{host.SipPort};transport={transport}");
        AssertNoticed(trunk, $"sent BYE to 127.0.0.1:{host.SipPort} over {transport}");
    }

    private static void AssertNoticed(KamailioProxy trunk, string text)
        => Assert.True(trunk.Notices.Contains(text, StringComparison.Ordinal), $"The trunk did not log '{text}'. Its notices:\n{trunk.Notices}");

    private static async Task<string> PlaceAsync(RunningHost host, object request)
    {
        using var placed = await host.Http.PostAsJsonAsync("/v1/calls", request);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Polls <c>GET /v1/registrations</c> until the host's account is registered.</summary>
    private static async Task<JsonElement> WaitForRegistrationAsync(RunningHost host, KamailioProxy trunk, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement registration;
        do
        {
            registration = (await host.Http.GetFromJsonAsync<JsonElement>("/v1/registrations")).EnumerateArray().Single();
            if (registration.GetProperty("state").GetString() == "registered")
            {
                return registration;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"The host did not register: {registration}\nThe trunk's notices:\n{trunk.Notices}");
    }

    private static async Task<CallView> WaitForEndAsync(RunningHost host, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        CallView? call;
        do
        {
            call = await host.Http.GetFromJsonAsync<CallView>($"/v1/calls/{id}");
            if (call!.State == "ended")
            {
                return call;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"call {id} did not end: {call}");
    }
}
