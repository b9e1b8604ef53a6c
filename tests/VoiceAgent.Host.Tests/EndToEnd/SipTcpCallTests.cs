using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Calls over SIP on TCP (RFC 3261 §18) with baresip, both directions; tshark shows the transport every message took.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SipTcpCallTests
{
    [Fact]
    public async Task Baresip_calls_over_tcp_and_hears_the_greeting()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hello, this call runs over TCP.");
        await using var capture = await SipCapture.StartAsync(host.SipPort);
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri() + ";transport=tcp", TimeSpan.FromSeconds(6));

        Assert.True(result.Heard is not null, "baresip recorded nothing: no call was established.\n" + result.Output);
        Assert.True(AudioAnalysis.SpeechSeconds(result.Heard!, TimeSpan.Zero, TimeSpan.FromSeconds(6)) > 1.0, "too little speech in the recording");
        await Task.Delay(500); // tshark prints the last packets
        var messages = capture.Messages;
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "INVITE", Status: null });
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "INVITE", Status: 200 });
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "ACK" });
        Assert.DoesNotContain(messages, m => m.Transport == "udp");
    }

    [Fact]
    public async Task The_host_calls_baresip_over_tcp_and_hangs_up_after_the_text()
    {
        await using var host = await RunningHost.StartAsync();
        await using var callee = await BaresipCallee.StartAsync();
        await using var capture = await SipCapture.StartAsync(callee.Port);

        using var placed = await host.Http.PostAsJsonAsync("/v1/calls", new { to = callee.Uri + ";transport=tcp", text = "Your parcel arrives today.", ringTimeoutSeconds = 10 });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var heard = await callee.WaitForCallEndAsync(TimeSpan.FromSeconds(20));
        var call = await host.WaitForCallAsync(c => c.Id == id && c.State == "ended", TimeSpan.FromSeconds(5));

        Assert.Equal("answered", call.Outcome);
        Assert.Equal("local-hangup", call.EndReason);
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(heard.DurationSeconds)) > 0.8, "baresip heard too little speech");
        await Task.Delay(500);
        var messages = capture.Messages;
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "INVITE", Status: null });
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "BYE", Status: null });
        Assert.Contains(messages, m => m is { Transport: "tcp", Method: "BYE", Status: 200 });
        Assert.DoesNotContain(messages, m => m.Transport == "udp");
    }
}
