using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>UAS behaviour (RFC 3261 §8.2, §12-§15) over an in-memory transport, with short timers.</summary>
public sealed class SipUserAgentTests : IAsyncLifetime
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    private readonly InMemorySipTransport _transport = new();
    private readonly RecordingCallHandler _handler = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public Task InitializeAsync()
    {
        var options = new SipUserAgentOptions("127.0.0.1", 5060) { Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(20), T2 = TimeSpan.FromMilliseconds(80), T4 = TimeSpan.FromMilliseconds(100) } };
        var agent = new SipUserAgent(_transport, options, _handler, TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        _loop = agent.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private static string Invite(string callId = "call-1", string branch = "z9hG4bKinv1", string extra = "", string contentType = "application/sdp", string body = Sdp) =>
        $"INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch={branch};rport\r\nFrom: \"Alice\" <sip:alice@127.0.0.1>;tag=a1\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5094>\r\nRecord-Route: <sip:proxy.example.com;lr>\r\nMax-Forwards: 70\r\n{extra}" +
        $"Content-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    private static string InDialog(string method, string toTag, int cseq = 2, string callId = "call-1", string branch = "z9hG4bKdlg") =>
        $"{method} sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch={branch}\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
        $"To: <sip:bot@127.0.0.1>;tag={toTag}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    private static string OutOfDialog(string method, string uri = "sip:bot@127.0.0.1", string extra = "") =>
        $"{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bK{method}1\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: ood-{method}\r\nCSeq: 1 {method}\r\nMax-Forwards: 70\r\n{extra}Content-Length: 0\r\n\r\n";

    private static string ToTag(SipMessage message)
    {
        Assert.True(SipNameAddress.TryParse(message.To!, out var to));
        return to!.Tag ?? throw new InvalidOperationException("no To tag");
    }

    private async Task<(IncomingCall Call, SipResponse Ok)> AnsweredCallAsync()
    {
        _transport.Inject(Invite());
        var call = await _handler.NextCallAsync();
        var answering = call.AnswerAsync(Sdp, CancellationToken.None);
        var ok = await _transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);
        _transport.Inject(InDialog("ACK", ToTag(ok), cseq: 1).Replace("z9hG4bKdlg", "z9hG4bKack1"));
        Assert.True(await answering.WaitAsync(TimeSpan.FromSeconds(5)));
        return (call, ok);
    }

    [Fact]
    public async Task Invite_gets_100_trying_and_reaches_the_handler_with_its_offer()
    {
        _transport.Inject(Invite());

        var trying = await _transport.NextSentAsync<SipResponse>();
        var call = await _handler.NextCallAsync();

        Assert.Equal(100, trying.StatusCode);
        Assert.Equal("call-1", call.CallId);
        Assert.Equal(Sdp, call.RemoteSdp);
        Assert.Contains("rport=5094", trying.TopVia, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_sends_200_with_to_tag_contact_sdp_and_record_route_and_retransmits_until_ack()
    {
        _transport.Inject(Invite());
        var call = await _handler.NextCallAsync();
        var answering = call.AnswerAsync(Sdp, CancellationToken.None);

        var first = await _transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);
        var again = await _transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);
        _transport.Inject(InDialog("ACK", ToTag(first), cseq: 1));

        Assert.True(await answering.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(ToTag(first), ToTag(again));
        Assert.Equal("application/sdp", first.ContentType);
        Assert.Contains("sip:voiceagent@127.0.0.1:5060", first.Headers.Get(SipHeaderNames.Contact), StringComparison.Ordinal);
        Assert.Equal("<sip:proxy.example.com;lr>", first.Headers.Get(SipHeaderNames.RecordRoute));
    }

    [Fact]
    public async Task Bye_from_the_caller_gets_200_and_ends_the_call()
    {
        var (call, ok) = await AnsweredCallAsync();

        _transport.Inject(InDialog("BYE", ToTag(ok)));

        Assert.Equal(200, (await _transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == "2 BYE")).StatusCode);
        Assert.Equal(CallEndReason.RemoteHangup, await call.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Hangup_sends_bye_inside_the_dialog_with_the_route_set()
    {
        var (call, ok) = await AnsweredCallAsync();

        var hangup = call.HangupAsync(CancellationToken.None);
        var bye = await _transport.NextSentAsync<SipRequest>(r => r.Method == "BYE");
        _transport.Inject(InDialog("BYE", ToTag(ok)).Replace("BYE sip:voiceagent@127.0.0.1:5060 SIP/2.0", "SIP/2.0 200 OK").Replace("z9hG4bKdlg", bye.TopVia!.Split("branch=")[1].Split(';')[0]));

        Assert.Equal("sip:alice@127.0.0.1:5094", bye.RequestUri);
        Assert.Equal("<sip:proxy.example.com;lr>", bye.Headers.Get(SipHeaderNames.Route));
        Assert.True(SipNameAddress.TryParse(bye.From!, out var from) && from!.Tag == ToTag(ok));
        Assert.True(SipNameAddress.TryParse(bye.To!, out var to) && to!.Tag == "a1");
        Assert.Equal(CallEndReason.LocalHangup, await call.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        await hangup.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Cancel_before_answer_gets_200_and_the_invite_487()
    {
        _transport.Inject(Invite());
        var call = await _handler.NextCallAsync();

        _transport.Inject(Invite().Replace("INVITE sip:", "CANCEL sip:").Replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL").Replace($"Content-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}", "Content-Length: 0\r\n\r\n"));

        Assert.Equal(487, (await _transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == "1 INVITE" && r.StatusCode >= 200)).StatusCode);
        Assert.Equal(CallEndReason.Cancelled, await call.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_handler_that_returns_without_answering_leaves_no_call_open()
    {
        var transport = new InMemorySipTransport();
        var agent = new SipUserAgent(transport, new SipUserAgentOptions("127.0.0.1", 5060), new ReturningHandler(), TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        using var stop = new CancellationTokenSource();
        var loop = agent.RunAsync(stop.Token);

        transport.Inject(Invite());

        Assert.Equal(480, (await transport.NextSentAsync<SipResponse>(r => r.StatusCode >= 200)).StatusCode);
        await stop.CancelAsync();
        await loop;
    }

    private sealed class ReturningHandler : IIncomingCallHandler
    {
        public Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Options_gets_200_with_allow_and_accept()
    {
        _transport.Inject(OutOfDialog("OPTIONS"));

        var response = await _transport.NextSentAsync<SipResponse>();

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("INVITE", response.Headers.Get(SipHeaderNames.Allow), StringComparison.Ordinal);
        Assert.Equal("application/sdp", response.Headers.Get(SipHeaderNames.Accept));
    }

    [Theory]
    [InlineData("BYE", 481)]
    [InlineData("INFO", 481)]
    [InlineData("REGISTER", 405)]
    [InlineData("SUBSCRIBE", 405)]
    [InlineData("FROBNICATE", 501)]
    public async Task Requests_it_cannot_serve_get_the_right_error(string method, int status)
    {
        _transport.Inject(OutOfDialog(method));

        var response = await _transport.NextSentAsync<SipResponse>();

        Assert.Equal(status, response.StatusCode);
        if (status is 405 or 501)
        {
            Assert.NotNull(response.Headers.Get(SipHeaderNames.Allow));
        }
    }

    [Fact]
    public async Task Unknown_require_gets_420_listing_it()
    {
        _transport.Inject(OutOfDialog("OPTIONS", extra: "Require: foo\r\n"));

        var response = await _transport.NextSentAsync<SipResponse>();

        Assert.Equal(420, response.StatusCode);
        Assert.Equal("foo", response.Headers.Get(SipHeaderNames.Unsupported));
    }

    [Fact]
    public async Task Unknown_uri_scheme_gets_416()
    {
        _transport.Inject(OutOfDialog("OPTIONS", uri: "nobody:x"));

        Assert.Equal(416, (await _transport.NextSentAsync<SipResponse>()).StatusCode);
    }

    [Fact]
    public async Task Invite_with_a_body_that_is_not_sdp_gets_415()
    {
        _transport.Inject(Invite(contentType: "text/plain", body: "hello"));

        Assert.Equal(415, (await _transport.NextSentAsync<SipResponse>(r => r.StatusCode >= 200)).StatusCode);
    }

    [Fact]
    public async Task Malformed_but_addressable_request_gets_400()
    {
        _transport.Inject(OutOfDialog("OPTIONS").Replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"));

        var response = await _transport.NextSentAsync<SipResponse>();

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("ood-OPTIONS", response.CallId);
    }

    [Fact]
    public async Task Retransmitted_options_is_answered_again_statelessly_with_the_same_to_tag()
    {
        _transport.Inject(OutOfDialog("OPTIONS"));
        var first = await _transport.NextSentAsync<SipResponse>();
        _transport.Inject(OutOfDialog("OPTIONS"));
        var second = await _transport.NextSentAsync<SipResponse>();

        Assert.Equal(ToTag(first), ToTag(second));
    }

    [Theory]
    [InlineData("sendonly", "200")]
    [InlineData("refuse", "488")]
    public async Task A_reinvite_offer_goes_to_the_session_handler_and_its_answer_or_refusal_goes_back(string mode, string status)
    {
        var (call, ok) = await AnsweredCallAsync();
        string? seen = null;
        call.SessionUpdateHandler = offer =>
        {
            seen = offer;
            return mode == "refuse" ? null : Sdp.Replace("m=audio 4000", "m=audio 4002", StringComparison.Ordinal) + "a=recvonly\r\n";
        };
        var hold = Sdp + "a=sendonly\r\n";

        _transport.Inject(
            $"INVITE sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKreinv\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\n" +
            $"To: <sip:bot@127.0.0.1>;tag={ToTag(ok)}\r\nCall-ID: call-1\r\nCSeq: 5 INVITE\r\nContact: <sip:alice@127.0.0.1:5094>\r\nMax-Forwards: 70\r\n" +
            $"Content-Type: application/sdp\r\nContent-Length: {hold.Length}\r\n\r\n{hold}");

        var response = await _transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == "5 INVITE" && r.StatusCode >= 200);
        Assert.Equal(status, response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("a=sendonly", seen, StringComparison.Ordinal);
        if (mode != "refuse")
        {
            Assert.Contains("a=recvonly", System.Text.Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
            Assert.Contains("a=recvonly", call.LocalSdp, StringComparison.Ordinal);
        }
    }
}
