using VoiceAgent.Telephony.Sip.Transport;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>The REGISTER client (RFC 3261 §10.2) against a scripted registrar on the in-memory transport.</summary>
public sealed class SipRegistrationTests : InMemoryAgentTest
{
    private static string Response(SipRequest request, int status, string reason, string extra = "") =>
        $"SIP/2.0 {status} {reason}\r\nVia: {request.TopVia}\r\nFrom: {request.From}\r\nTo: {request.To};tag=reg1\r\nCall-ID: {request.CallId}\r\n" +
        $"CSeq: {request.Headers.Get("CSeq")}\r\n{extra}Content-Length: 0\r\n\r\n";

    private static string Md5(string text)
        => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    [Fact]
    public async Task Registers_through_a_challenge_refreshes_before_expiry_and_unregisters_when_stopped()
    {
        var registration = Agent.Register(new RegistrationOptions(SipNextHop.FromEndPoint(InMemorySipTransport.Peer), "trunk.example", "1001", new DigestCredentials("1001", "pw"), TimeSpan.FromSeconds(60)));

        var first = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER");
        Assert.Equal("sip:trunk.example", first.RequestUri);
        Assert.Equal("60", first.Headers.Get("Expires"));
        Assert.StartsWith("<sip:1001@trunk.example>", first.From, StringComparison.Ordinal);
        Transport.Inject(Response(first, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"trunk.example\", nonce=\"abc\"\r\n"));

        var second = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER" && r.Headers.Get("Authorization") is not null);
        Assert.Equal(first.CallId, second.CallId);
        Assert.Equal("2 REGISTER", second.Headers.Get("CSeq"));
        // What a registrar checks, computed here independently (RFC 2069 form: no qop offered).
        var expected = Md5($"{Md5("1001:trunk.example:pw")}:abc:{Md5("REGISTER:sip:trunk.example")}");
        Assert.Contains($"response=\"{expected}\"", second.Headers.Get("Authorization"), StringComparison.Ordinal);

        // The registrar grants only 2 s on our Contact: the refresh comes at 80% of that.
        Transport.Inject(Response(second, 200, "OK", "Contact: <sip:1001@127.0.0.1:5060;transport=udp>;expires=2\r\n"));
        await WaitForStateAsync(registration, "registered");
        Assert.Equal(200, registration.State.LastStatus);
        var refresh = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER" && r.Headers.Get("CSeq") == "3 REGISTER", timeoutMs: 4000);
        Transport.Inject(Response(refresh, 401, "Unauthorized", "WWW-Authenticate: Digest realm=\"trunk.example\", nonce=\"def\"\r\n"));
        var refreshed = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER" && r.Headers.Get("CSeq") == "4 REGISTER");
        Transport.Inject(Response(refreshed, 200, "OK", "Expires: 60\r\n"));
        await Task.Delay(100);

        var stopping = registration.DisposeAsync().AsTask();
        var removal = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER" && r.Headers.Get("Expires") == "0");
        Transport.Inject(Response(removal, 200, "OK"));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("unregistered", registration.State.State);
    }

    [Fact]
    public async Task A_refused_registration_is_reported_and_retried()
    {
        await using var registration = Agent.Register(new RegistrationOptions(SipNextHop.FromEndPoint(InMemorySipTransport.Peer), "trunk.example", "1001", null, TimeSpan.FromSeconds(60)) { RetryDelay = TimeSpan.FromMilliseconds(200) });

        var first = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER");
        Transport.Inject(Response(first, 403, "Forbidden"));
        await WaitForStateAsync(registration, "failed");
        Assert.Equal(403, registration.State.LastStatus);
        Assert.Contains("403", registration.State.Error, StringComparison.Ordinal);

        var retry = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER" && r.Headers.Get("CSeq") == "2 REGISTER");
        Transport.Inject(Response(retry, 200, "OK", "Expires: 60\r\n"));
        await WaitForStateAsync(registration, "registered");
    }

    private static async Task WaitForStateAsync(SipRegistration registration, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (registration.State.State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(state, registration.State.State);
    }
}
