using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>How the UAC picks transport and next hop (RFC 3261 §18.1.1, RFC 3263 with A records), and Digest inside a dialog (§22.2).</summary>
public sealed class SipUserAgentTransportTests : InMemoryAgentTest
{
    [Fact]
    public async Task A_tcp_target_gets_a_tcp_via_and_contact_and_no_retransmissions()
    {
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094;transport=tcp", "clinic", Sdp, TimeSpan.FromSeconds(5)));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");

        Assert.Equal(SipTransportKind.Tcp, Transport.LastTransport);
        Assert.StartsWith("SIP/2.0/TCP 127.0.0.1:5060;branch=", invite.TopVia, StringComparison.Ordinal);
        Assert.EndsWith(";transport=tcp>", invite.Headers.Get("Contact"), StringComparison.Ordinal);
        Assert.False(await Transport.SendsAsync<SipRequest>(r => r.Method == "INVITE", withinMs: 200)); // T1 is 20 ms: timer A would have fired

        // In the dialog the BYE keeps to TCP although the callee's Contact names no transport.
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094>\r\nContent-Type: application/sdp\r\n"));
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        Assert.Equal(SipTransportKind.Tcp, Transport.LastTransport);
        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = await Transport.NextSentAsync<SipRequest>(r => r.Method == "BYE");
        Assert.Equal(SipTransportKind.Tcp, Transport.LastTransport);
        Assert.StartsWith("SIP/2.0/TCP", bye.TopVia, StringComparison.Ordinal);
        Transport.Inject(Response(bye, 200, "OK"));
        await hangup.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_request_over_1300_bytes_moves_from_udp_to_tcp()
    {
        var largeSdp = Sdp + string.Concat(Enumerable.Range(0, 40).Select(i => $"a=x-padding-{i}:0123456789012345678901234567890123\r\n"));
        Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", largeSdp, TimeSpan.FromSeconds(5)));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");

        Assert.Equal(SipTransportKind.Tcp, Transport.LastTransport);
        Assert.StartsWith("SIP/2.0/TCP", invite.TopVia, StringComparison.Ordinal);
        Assert.EndsWith(";transport=tcp>", invite.Headers.Get("Contact"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_target_is_resolved_when_the_call_is_placed()
    {
        Agent.PlaceCall(new OutgoingCallRequest("sip:bob@localhost:5094", "clinic", Sdp, TimeSpan.FromSeconds(5)));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");

        Assert.Equal("sip:bob@localhost:5094", invite.RequestUri);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5094), Transport.LastDestination);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_the_call_with_503()
    {
        // RFC 2606 reserves .invalid: it never resolves.
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@pbx.invalid", "clinic", Sdp, TimeSpan.FromSeconds(5)));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("failed", call.Outcome);
        Assert.Equal(503, call.StatusCode);
    }

    [Fact]
    public async Task A_next_hop_that_refuses_the_connection_fails_the_call_with_503_at_once()
    {
        var refusing = new IPEndPoint(IPAddress.Loopback, 5099);
        Transport.Unreachable.Add(refusing);
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5099;transport=tcp", "clinic", Sdp, TimeSpan.FromSeconds(5)));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(2))); // at once, as 503 (timer B would give 408)
        Assert.Equal("failed", call.Outcome);
        Assert.Equal(503, call.StatusCode);
    }

    [Fact]
    public async Task A_challenged_bye_is_sent_again_with_credentials_and_the_dialogs_next_cseq()
    {
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5), NextHop: new VoiceAgent.Telephony.Sip.Transport.SipNextHop("127.0.0.1", 5094, VoiceAgent.Telephony.Sip.Transport.SipTransportKind.Udp), Credentials: new("trunkuser", "trunkpass")));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5094>\r\nContent-Type: application/sdp\r\n"));
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));

        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = await Transport.NextSentAsync<SipRequest>(r => r.Method == "BYE");
        Transport.Inject(Response(bye, 407, "Proxy Authentication Required", extra: "Proxy-Authenticate: Digest realm=\"trunk.example\", nonce=\"n0nce\", qop=\"auth\"\r\n"));
        var authorized = await Transport.NextSentAsync<SipRequest>(r => r.Method == "BYE" && r.Headers.Get("Proxy-Authorization") is not null);

        Assert.Contains("username=\"trunkuser\"", authorized.Headers.Get("Proxy-Authorization"), StringComparison.Ordinal);
        Assert.Contains("uri=\"sip:bob@127.0.0.1:5094\"", authorized.Headers.Get("Proxy-Authorization"), StringComparison.Ordinal);
        Assert.True(SipCSeq.TryParse(bye.Headers.Get("CSeq"), out var first));
        Assert.True(SipCSeq.TryParse(authorized.Headers.Get("CSeq"), out var second));
        Assert.Equal(first.Number + 1, second.Number);
        Assert.NotEqual(bye.TopVia, authorized.TopVia);
        Transport.Inject(Response(authorized, 200, "OK"));
        await hangup.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(false, 5095)]
    [InlineData(true, 5090)]
    public async Task The_ack_and_bye_go_to_the_callees_contact_or_to_the_outbound_proxy_the_call_was_placed_through(bool throughProxy, int expectedPort)
    {
        var proxy = throughProxy ? SipNextHop.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 5090)) : null;
        var call = Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5), proxy));
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 200, "OK", body: Sdp, extra: "Contact: <sip:bob@127.0.0.1:5095>\r\nContent-Type: application/sdp\r\n"));
        Assert.True(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));

        var ack = await Transport.NextSentAsync<SipRequest>(r => r.Method == "ACK");
        Assert.Equal("sip:bob@127.0.0.1:5095", ack.RequestUri); // the remote target either way (§12.2.1.1)
        Assert.Equal(expectedPort, Transport.LastDestination!.Port);
        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = await Transport.NextSentAsync<SipRequest>(r => r.Method == "BYE");
        Assert.Equal(expectedPort, Transport.LastDestination!.Port);
        Transport.Inject(Response(bye, 200, "OK"));
        await hangup.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
