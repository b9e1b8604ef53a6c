using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>Admission before state: who may call, the per-source call cap and request rate, the LRU source limiter.</summary>
public sealed class SipAdmissionTests
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

    private static readonly IPEndPoint Alice = new(IPAddress.Parse("192.0.2.10"), 5094);
    private static readonly IPEndPoint Bob = new(IPAddress.Parse("198.51.100.20"), 5094);

    private static string Invite(string callId) =>
        $"INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bK{callId};rport\r\nFrom: <sip:alice@127.0.0.1>;tag=a-{callId}\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5094>\r\nMax-Forwards: 70\r\n" +
        $"Content-Type: application/sdp\r\nContent-Length: {Sdp.Length}\r\n\r\n{Sdp}";

    private static string Options(string callId) =>
        $"OPTIONS sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bK{callId}\r\nFrom: <sip:alice@127.0.0.1>;tag=o-{callId}\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    private static (InMemorySipTransport Transport, RecordingCallHandler Handler, CancellationTokenSource Stop, Task Loop) Start(SipUserAgentOptions options)
    {
        var transport = new InMemorySipTransport();
        var handler = new RecordingCallHandler();
        var stop = new CancellationTokenSource();
        var agent = new SipUserAgent(transport, options with { Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(20), T2 = TimeSpan.FromMilliseconds(80) } }, handler, TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        return (transport, handler, stop, agent.RunAsync(stop.Token));
    }

    [Fact]
    public void The_limiter_forgets_the_least_recently_seen_source_not_every_source()
    {
        var time = new FakeTimeProvider();
        var limiter = new SourceRateLimiter(1, 1, time, maxTrackedSources: 3);
        var a = IPAddress.Parse("192.0.2.1");
        var b = IPAddress.Parse("192.0.2.2");
        var c = IPAddress.Parse("192.0.2.3");
        var d = IPAddress.Parse("192.0.2.4");

        Assert.True(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(b));
        Assert.True(limiter.TryAcquire(c));
        Assert.False(limiter.TryAcquire(a)); // a is the most recently seen now; b the least
        Assert.True(limiter.TryAcquire(d)); // the fourth source evicts b only

        Assert.Equal(3, limiter.TrackedSources);
        Assert.False(limiter.TryAcquire(a)); // a's empty bucket survived the eviction
        Assert.False(limiter.TryAcquire(c));
        Assert.True(limiter.TryAcquire(b)); // b was forgotten: a fresh bucket
    }

    [Fact]
    public async Task A_source_at_its_call_cap_gets_503_without_a_transaction_while_another_source_gets_in()
    {
        var (transport, handler, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060) { MaxCallsPerSource = 2, MaxConcurrentCalls = 10 });

        transport.Inject(Invite("a1"), Alice);
        transport.Inject(Invite("a2"), Alice);
        await handler.NextCallAsync();
        await handler.NextCallAsync();
        transport.Inject(Invite("a3"), Alice);
        var refused = await transport.NextSentAsync<SipResponse>(r => r.CallId == "a3");
        Assert.Equal(503, refused.StatusCode); // the first response: no 100 Trying, no transaction
        Assert.Equal(Alice, transport.LastDestination);
        Assert.False(await transport.SendsAsync<SipResponse>(r => r.CallId == "a3", withinMs: 300)); // never retransmitted (no timer G)

        transport.Inject(Invite("b1"), Bob);
        var other = await handler.NextCallAsync();
        Assert.Equal("b1", other.CallId);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_trunk_proxy_is_exempt_from_the_per_source_cap_and_may_call_under_the_trusted_policy()
    {
        var (transport, handler, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060)
        {
            InboundFrom = InboundPolicy.Trusted,
            MaxCallsPerSource = 1,
            TrunkProxies = [new VoiceAgent.Telephony.Sip.Transport.SipNextHop("192.0.2.10", 5060, VoiceAgent.Telephony.Sip.Transport.SipTransportKind.Udp)],
        });

        for (var i = 0; i < 3; i++)
        {
            transport.Inject(Invite($"t{i}"), Alice);
            Assert.Equal($"t{i}", (await handler.NextCallAsync()).CallId);
        }

        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Under_the_trusted_policy_an_unknown_source_gets_403_and_a_trusted_network_gets_in()
    {
        var (transport, handler, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060)
        {
            InboundFrom = InboundPolicy.Trusted,
            TrustedSources = [IPNetwork.Parse("198.51.100.0/24")],
        });

        transport.Inject(Invite("anon"), Alice);
        var refused = await transport.NextSentAsync<SipResponse>(r => r.CallId == "anon");
        Assert.Equal(403, refused.StatusCode);

        transport.Inject(Invite("trusted"), Bob);
        Assert.Equal("trusted", (await handler.NextCallAsync()).CallId);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Requests_over_the_per_source_rate_are_dropped_and_other_sources_are_answered()
    {
        var (transport, _, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060) { RequestsPerSecondPerSource = 1 });

        for (var i = 0; i < 10; i++)
        {
            transport.Inject(Options($"o{i}"), Alice);
        }

        transport.Inject(Options("bob"), Bob);
        var answered = new List<string>();
        while (await TryNextAsync(transport) is { } response)
        {
            answered.Add(response.CallId!);
        }

        Assert.Equal(["o0", "o1", "o2", "o3", "bob"], answered); // a burst of 4x the rate, then drops; Bob has his own bucket
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task An_invite_whose_accept_excludes_sdp_gets_406()
    {
        var (transport, _, stop, loop) = Start(new SipUserAgentOptions("127.0.0.1", 5060));

        transport.Inject(Invite("acc").Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nAccept: text/nobodyKnowsThis\r\n", StringComparison.Ordinal));

        Assert.Equal(406, (await transport.NextSentAsync<SipResponse>(r => r.CallId == "acc")).StatusCode);
        await stop.CancelAsync();
        await loop;
    }

    private static async Task<SipResponse?> TryNextAsync(InMemorySipTransport transport)
    {
        try
        {
            return await transport.NextSentAsync<SipResponse>(timeoutMs: 300);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
