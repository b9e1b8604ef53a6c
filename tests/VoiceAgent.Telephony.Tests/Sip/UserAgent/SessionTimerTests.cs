using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>Session timers (RFC 4028) with intervals of seconds (the minimum is lowered for the test).</summary>
public sealed class SessionTimerTests : InMemoryAgentTest
{
    protected override SipUserAgentOptions Options => base.Options with { MinSessionExpiresSeconds = 2, SessionExpiresSeconds = 2 };

    private static string Invite(string sessionExpires, string supported = "timer", string callId = "st-1") =>
        $"INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bK{callId};rport\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5094>\r\nMax-Forwards: 70\r\n" +
        $"Supported: {supported}\r\nSession-Expires: {sessionExpires}\r\nContent-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}";

    private async Task<(IncomingCall Call, SipResponse Ok)> AnswerAsync(string sessionExpires, string callId = "st-1")
    {
        Transport.Inject(Invite(sessionExpires, callId: callId));
        var call = await Handler.NextCallAsync();
        var answering = call.AnswerAsync(Sdp, CancellationToken.None);
        var ok = await Transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200 && r.CallId == callId);
        Assert.True(SipNameAddress.TryParse(ok.To!, out var to));
        Transport.Inject(
            $"ACK sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKack{callId}\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
            $"To: <sip:bot@127.0.0.1>;tag={to!.Tag}\r\nCall-ID: {callId}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        Assert.True(await answering.WaitAsync(TimeSpan.FromSeconds(5)));
        return (call, ok);
    }

    [Fact]
    public async Task A_caller_that_refreshes_but_then_stops_is_hung_up_when_the_session_expires()
    {
        var (call, ok) = await AnswerAsync("2;refresher=uac");
        Assert.Equal("2;refresher=uac", ok.Headers.Get("Session-Expires"));
        Assert.Equal("timer", ok.Headers.Get("Require"));

        // A refresh by UPDATE (RFC 3311) keeps the call past its first interval.
        Assert.True(SipNameAddress.TryParse(ok.To!, out var to));
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(800);
            Transport.Inject(
                $"UPDATE sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKupd{i}\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
                $"To: <sip:bot@127.0.0.1>;tag={to!.Tag}\r\nCall-ID: st-1\r\nCSeq: {10 + i} UPDATE\r\nSession-Expires: 2;refresher=uac\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            var refreshed = await Transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == $"{10 + i} UPDATE");
            Assert.Equal(200, refreshed.StatusCode);
            Assert.Equal("2;refresher=uac", refreshed.Headers.Get("Session-Expires"));
        }

        Assert.False(call.Completion.IsCompleted);

        // Then no more refreshes: BYE after the interval minus a third.
        var bye = await Transport.NextSentAsync<SipRequest>(r => r.Method == "BYE", timeoutMs: 4000);
        Assert.Equal("st-1", bye.CallId);
        Assert.Equal(CallEndReason.SessionExpired, await call.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task When_the_caller_does_not_support_timers_we_refresh_with_update()
    {
        Transport.Inject(Invite("2", supported: "replaces", callId: "st-2"));
        var call = await Handler.NextCallAsync();
        var answering = call.AnswerAsync(Sdp, CancellationToken.None);
        var ok = await Transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200 && r.CallId == "st-2");
        Assert.Equal("2;refresher=uas", ok.Headers.Get("Session-Expires"));
        Assert.Null(ok.Headers.Get("Require"));
        Assert.True(SipNameAddress.TryParse(ok.To!, out var to));
        Transport.Inject(
            $"ACK sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKackst2\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
            $"To: <sip:bot@127.0.0.1>;tag={to!.Tag}\r\nCall-ID: st-2\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        await answering;

        var update = await Transport.NextSentAsync<SipRequest>(r => r.Method == "UPDATE", timeoutMs: 3000);
        Assert.Equal("2;refresher=uas", update.Headers.Get("Session-Expires"));
        Assert.Equal("sip:alice@127.0.0.1:5094", update.RequestUri);
        await call.HangupAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_interval_below_our_minimum_gets_422_with_min_se()
    {
        Transport.Inject(Invite("1", callId: "st-3"));

        var refused = await Transport.NextSentAsync<SipResponse>(r => r.CallId == "st-3" && r.StatusCode >= 200);
        Assert.Equal(422, refused.StatusCode);
        Assert.Equal("2", refused.Headers.Get("Min-SE"));
    }

    [Fact]
    public async Task Our_invites_ask_for_a_timer_and_we_refresh_when_the_callee_makes_us_the_refresher()
    {
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5)));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Assert.Equal("2", invite.Headers.Get("Session-Expires"));
        Assert.Contains("timer", invite.Headers.Get("Supported"), StringComparison.Ordinal);
        Transport.Inject(
            $"SIP/2.0 200 OK\r\nVia: {invite.TopVia}\r\nFrom: {invite.From}\r\nTo: {invite.To};tag=b1\r\nCall-ID: {invite.CallId}\r\nCSeq: 1 INVITE\r\n" +
            $"Contact: <sip:bob@127.0.0.1:5094>\r\nSession-Expires: 2;refresher=uac\r\nRequire: timer\r\nContent-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}");
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));

        var update = await Transport.NextSentAsync<SipRequest>(r => r.Method == "UPDATE", timeoutMs: 3000);
        Assert.Equal("2;refresher=uac", update.Headers.Get("Session-Expires"));
        await call.HangupAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_refresh_by_reinvite_that_the_trunk_challenges_is_sent_again_with_credentials()
    {
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5), NextHop: new VoiceAgent.Telephony.Sip.Transport.SipNextHop("127.0.0.1", 5094, VoiceAgent.Telephony.Sip.Transport.SipTransportKind.Udp), Credentials: new("trunkuser", "trunkpass")));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(
            $"SIP/2.0 200 OK\r\nVia: {invite.TopVia}\r\nFrom: {invite.From}\r\nTo: {invite.To};tag=b1\r\nCall-ID: {invite.CallId}\r\nCSeq: 1 INVITE\r\n" +
            $"Contact: <sip:bob@127.0.0.1:5094>\r\nSession-Expires: 2;refresher=uac\r\nRequire: timer\r\nContent-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}");
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));

        var update = await Transport.NextSentAsync<SipRequest>(r => r.Method == "UPDATE", timeoutMs: 3000);
        Transport.Inject(Reply(update, "405 Method Not Allowed", string.Empty));
        var reinvite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE" && r.CallId == invite.CallId, timeoutMs: 3000);
        Transport.Inject(Reply(reinvite, "407 Proxy Authentication Required", "Proxy-Authenticate: Digest realm=\"trunk.example\", nonce=\"n2\", qop=\"auth\"\r\n"));
        var authorized = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE" && r.Headers.Get("Proxy-Authorization") is not null, timeoutMs: 3000);

        Assert.Contains("username=\"trunkuser\"", authorized.Headers.Get("Proxy-Authorization"), StringComparison.Ordinal);
        Assert.Equal(reinvite.Body.ToArray(), authorized.Body.ToArray());
        Assert.True(SipCSeq.TryParse(reinvite.Headers.Get("CSeq"), out var first));
        Assert.True(SipCSeq.TryParse(authorized.Headers.Get("CSeq"), out var second));
        Assert.True(second.Number > first.Number);
    }

    private static string Reply(SipRequest request, string status, string extra)
        => $"SIP/2.0 {status}\r\nVia: {request.TopVia}\r\nFrom: {request.From}\r\nTo: {request.To}\r\nCall-ID: {request.CallId}\r\nCSeq: {request.Headers.Get("CSeq")}\r\n{extra}Content-Length: 0\r\n\r\n";
}
