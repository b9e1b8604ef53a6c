using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>The UAC side (RFC 3261 §13.2, §17.1.1, §9.1) over an in-memory transport with short timers.</summary>
public sealed class SipUserAgentOutgoingTests : InMemoryAgentTest
{
    private OutgoingCall Place(TimeSpan? ring = null)
        => Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, ring ?? TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task The_invite_is_retransmitted_until_a_response_and_a_2xx_gets_an_ack_in_the_dialog()
    {
        var call = Place();
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE"); // timer A fired: the same INVITE again

        Assert.StartsWith("<sip:clinic@127.0.0.1>;tag=", invite.From, StringComparison.Ordinal);
        Assert.Equal("application/sdp", invite.ContentType);
        Transport.Inject(Response(invite, 180, "Ringing"));
        await call.Ringing.WaitAsync(TimeSpan.FromSeconds(5));
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094;transport=udp>\r\nContent-Type: application/sdp\r\n"));

        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        var ack = await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        Assert.Equal("sip:bob@127.0.0.1:5094;transport=udp", ack.RequestUri); // the remote target from Contact
        Assert.Equal("1 ACK", ack.Headers.Get("CSeq"));
        Assert.Equal(200, call.StatusCode);
        Assert.Equal(Sdp, call.RemoteSdp);

        // A retransmitted 2xx is acknowledged again (§13.2.2.4); a BYE from the callee ends the call.
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094>\r\nContent-Type: application/sdp\r\n"));
        await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        Transport.Inject(
            $"BYE sip:clinic@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKbye1\r\nFrom: {invite.To};tag=b1\r\nTo: {invite.From}\r\n" +
            $"Call-ID: {invite.CallId}\r\nCSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(CallEndReason.RemoteHangup, await call.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_callee_that_rings_longer_than_timer_b_can_still_answer()
    {
        var call = Place(TimeSpan.FromSeconds(10));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 180, "Ringing"));

        // §17.1.1.2: timer B (64*T1, 1.28 s here) does not run in Proceeding; only the ring timeout ends a ringing call.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094>\r\nContent-Type: application/sdp\r\n"));

        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)), $"{call.Outcome} {call.StatusCode}");
    }

    [Fact]
    public async Task A_busy_callee_is_acknowledged_inside_the_transaction()
    {
        var call = Place();
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");

        Transport.Inject(Response(invite, 486, "Busy Here"));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("busy", call.Outcome);
        Assert.Equal(486, call.StatusCode);
        var ack = await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        Assert.Equal(invite.TopVia, ack.TopVia); // same branch: the ACK belongs to the INVITE transaction (§17.1.1.3)
        Assert.EndsWith(";tag=b1", ack.To, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_ring_timeout_a_ringing_call_is_cancelled_with_the_invites_branch()
    {
        var call = Place(TimeSpan.FromMilliseconds(300));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 180, "Ringing"));

        var cancel = await Transport.NextSentAsync<SipRequest>(r => r.Method == "CANCEL");
        Assert.Equal(invite.TopVia, cancel.TopVia);
        Assert.Equal($"{invite.Headers.Get("CSeq")!.Split(' ')[0]} CANCEL", cancel.Headers.Get("CSeq"));
        Transport.Inject(Response(cancel, 200, "OK", toTag: null));
        Transport.Inject(Response(invite, 487, "Request Terminated"));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("no-answer", call.Outcome);
        Assert.Equal(487, call.StatusCode);
    }

    [Fact]
    public async Task A_407_challenge_is_answered_once_with_a_new_invite_carrying_proxy_authorization()
    {
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5), NextHop: new VoiceAgent.Telephony.Sip.Transport.SipNextHop("127.0.0.1", 5094, VoiceAgent.Telephony.Sip.Transport.SipTransportKind.Udp), Credentials: new("trunkuser", "trunkpass")));
        var first = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(first, 407, "Proxy Authentication Required", extra: "Proxy-Authenticate: Digest realm=\"trunk.example\", nonce=\"n0nce\", qop=\"auth\", algorithm=SHA-256\r\n"));

        await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        var second = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE" && r.Headers.Get("Proxy-Authorization") is not null);
        Assert.Equal(first.CallId, second.CallId);
        Assert.Equal(first.From, second.From);
        Assert.NotEqual(first.TopVia, second.TopVia); // a new transaction
        Assert.Equal("2 INVITE", second.Headers.Get("CSeq"));
        var authorization = second.Headers.Get("Proxy-Authorization")!;
        Assert.Contains("username=\"trunkuser\"", authorization, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA-256", authorization, StringComparison.Ordinal);
        Assert.DoesNotContain("trunkpass", authorization, StringComparison.Ordinal);

        // Another challenge to the answered INVITE is not answered again: the call fails with it.
        Transport.Inject(Response(second, 407, "Proxy Authentication Required", extra: "Proxy-Authenticate: Digest realm=\"trunk.example\", nonce=\"n1\"\r\n"));
        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(407, call.StatusCode);
        Assert.Equal("failed", call.Outcome);
    }

    [Theory]
    [InlineData(202, "SIP/2.0 180 Ringing", "SIP/2.0 200 OK", 200)]
    [InlineData(202, "SIP/2.0 100 Trying", "SIP/2.0 486 Busy Here", 486)]
    [InlineData(403, null, null, 403)]
    public async Task A_transfer_sends_refer_in_the_dialog_and_follows_the_notify_sipfrags(int referStatus, string? firstFrag, string? finalFrag, int expected)
    {
        var call = Place();
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094>\r\nContent-Type: application/sdp\r\n"));
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));

        var transfer = call.TransferAsync("sip:carol@127.0.0.1:5096", TimeSpan.FromSeconds(5), CancellationToken.None);
        var refer = await Transport.NextSentAsync<SipRequest>(r => r.Method == "REFER");
        Assert.Equal("<sip:carol@127.0.0.1:5096>", refer.Headers.Get("Refer-To"));
        Assert.Equal("sip:bob@127.0.0.1:5094", refer.RequestUri);
        Transport.Inject(Response(refer, referStatus, referStatus == 202 ? "Accepted" : "Forbidden"));
        var cseq = 1;
        foreach (var frag in new[] { firstFrag, finalFrag }.OfType<string>())
        {
            Transport.Inject(
                $"NOTIFY sip:clinic@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKn{cseq}\r\nFrom: {invite.To};tag=b1\r\nTo: {invite.From}\r\n" +
                $"Call-ID: {invite.CallId}\r\nCSeq: {cseq} NOTIFY\r\nEvent: refer\r\nSubscription-State: {(frag == finalFrag ? "terminated;reason=noresource" : "active")}\r\n" +
                $"Max-Forwards: 70\r\nContent-Type: message/sipfrag;version=2.0\r\nContent-Length: {frag.Length}\r\n\r\n{frag}");
            Assert.Equal(200, (await Transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == $"{cseq} NOTIFY")).StatusCode);
            cseq++;
        }

        Assert.Equal(expected, await transfer.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_target_that_is_not_a_sip_uri_or_names_a_transport_we_lack_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Agent.PlaceCall(new OutgoingCallRequest("tel:+15551234", "x", Sdp, TimeSpan.FromSeconds(1))));
        Assert.Throws<ArgumentException>(() => Agent.PlaceCall(new OutgoingCallRequest("sips:bob@127.0.0.1", "x", Sdp, TimeSpan.FromSeconds(1))));
        Assert.Throws<ArgumentException>(() => Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1;transport=sctp", "x", Sdp, TimeSpan.FromSeconds(1))));
    }
}
