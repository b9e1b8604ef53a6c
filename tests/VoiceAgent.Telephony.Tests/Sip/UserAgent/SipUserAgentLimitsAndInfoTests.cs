using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>Call limits (503 with Retry-After), the per-source INVITE rate, and DTMF in SIP INFO.</summary>
public sealed class SipUserAgentLimitsAndInfoTests
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

    private static string Invite(string callId, string branch) =>
        $"INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch={branch};rport\r\nFrom: <sip:alice@127.0.0.1>;tag=a-{callId}\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5094>\r\nMax-Forwards: 70\r\n" +
        $"Content-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}";

    private static (SipUserAgent Agent, InMemorySipTransport Transport, RecordingCallHandler Handler, CancellationTokenSource Stop, Task Loop) Start(SipUserAgentOptions options)
    {
        var transport = new InMemorySipTransport();
        var handler = new RecordingCallHandler();
        var stop = new CancellationTokenSource();
        var agent = new SipUserAgent(transport, options with { Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(20), T2 = TimeSpan.FromMilliseconds(80) } }, handler, TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        return (agent, transport, handler, stop, agent.RunAsync(stop.Token));
    }

    [Fact]
    public async Task Above_the_call_limit_an_invite_gets_503_with_retry_after()
    {
        var (_, transport, handler, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060) { MaxConcurrentCalls = 1 });

        transport.Inject(Invite("c1", "z9hG4bK1"));
        var first = await handler.NextCallAsync();
        _ = first.AnswerAsync(Sdp, CancellationToken.None);
        transport.Inject(Invite("c2", "z9hG4bK2"));

        var refused = await transport.NextSentAsync<SipResponse>(r => r.CallId == "c2" && r.StatusCode >= 200);
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal("5", refused.Headers.Get("Retry-After"));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_source_sending_invites_too_fast_gets_503_once_its_burst_is_spent()
    {
        var (_, transport, _, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060) { InvitesPerSecondPerSource = 1 });

        for (var i = 0; i < 6; i++)
        {
            transport.Inject(Invite($"r{i}", $"z9hG4bKr{i}"));
        }

        // A burst of 4 passes (4x the rate); the 5th and 6th in the same instant are refused.
        var refused = await transport.NextSentAsync<SipResponse>(r => r.StatusCode == 503);
        Assert.Contains(refused.CallId, new[] { "r4", "r5" });
        await stop.CancelAsync();
        await loop;
    }

    [Theory]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160)]
    [InlineData("application/dtmf-relay", "Signal= #\r\nDuration= 250\r\n", '#', 250)]
    [InlineData("application/dtmf", "11", '#', 100)]
    [InlineData("application/dtmf", "7", '7', 100)]
    public void Info_bodies_of_both_kinds_become_digits(string contentType, string body, char digit, int durationMs)
    {
        Assert.True(SipInfoDtmf.TryParse(contentType, System.Text.Encoding.ASCII.GetBytes(body), 1, out var parsed));
        Assert.Equal(digit, parsed.Digit);
        Assert.Equal(durationMs, parsed.DurationMs);
    }

    [Theory]
    [InlineData("application/sdp", "Signal=5")]
    [InlineData("application/dtmf-relay", "Signal=X")]
    [InlineData("application/dtmf-relay", "")]
    [InlineData("application/dtmf", "99")]
    public void Other_info_bodies_are_not_digits(string contentType, string body)
        => Assert.False(SipInfoDtmf.TryParse(contentType, System.Text.Encoding.ASCII.GetBytes(body), 1, out _));

    [Fact]
    public async Task An_info_digit_inside_the_dialog_reaches_the_call()
    {
        var (_, transport, handler, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060));
        transport.Inject(Invite("i1", "z9hG4bKi1"));
        var call = await handler.NextCallAsync();
        _ = call.AnswerAsync(Sdp, CancellationToken.None);
        var ok = await transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);
        Assert.True(SipNameAddress.TryParse(ok.To!, out var to));
        const string Body = "Signal=9\r\nDuration=120\r\n";
        transport.Inject(
            $"INFO sip:voiceagent@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKinfo\r\nFrom: <sip:alice@127.0.0.1>;tag=a-i1\r\n" +
            $"To: <sip:bot@127.0.0.1>;tag={to!.Tag}\r\nCall-ID: i1\r\nCSeq: 2 INFO\r\nMax-Forwards: 70\r\nContent-Type: application/dtmf-relay\r\nContent-Length: {Body.Length}\r\n\r\n{Body}");

        Assert.Equal(200, (await transport.NextSentAsync<SipResponse>(r => r.Headers.Get("CSeq") == "2 INFO")).StatusCode);
        var digit = await call.InfoDigits.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal('9', digit.Digit);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public void The_rate_limiter_refills_over_time_per_source()
    {
        var time = new FakeTimeProvider();
        var limiter = new SourceRateLimiter(2, 2, time);
        var a = System.Net.IPAddress.Parse("192.0.2.1");
        var b = System.Net.IPAddress.Parse("192.0.2.2");

        Assert.True(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(a));
        Assert.False(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(b)); // another source has its own bucket
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(limiter.TryAcquire(a));
        Assert.False(limiter.TryAcquire(a));
    }
}
