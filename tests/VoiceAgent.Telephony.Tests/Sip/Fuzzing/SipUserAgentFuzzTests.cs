namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>
/// Mutated RFC 4475 messages and fragments, over UDP datagrams and TCP framing, through the parser
/// and the user agent: the agent never fails on one and keeps no state per message. A fixed-seed
/// sample here; the million is <c>dotnet run -c Release --project bench/VoiceAgent.Bench -- fuzz 1000000</c>.
/// </summary>
public sealed class SipUserAgentFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_fixed_seed_sample_over_udp_and_tcp_framing_never_fails_the_user_agent_and_memory_stays_bounded()
    {
        var corpus = SipMutator.LoadCorpus(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"));

        var result = await SipFuzzer.RunAsync(corpus, count: 60_000, seed: 4475, budget: TimeSpan.FromSeconds(12));
        output.WriteLine(result.ToString());

        Assert.True(result.AgentErrors == 0, $"{result.AgentErrors} messages made the user agent fail, e.g.: {string.Join(" | ", result.FirstErrors)}");
        Assert.True(result.Inputs >= 10_000, $"only {result.Inputs} inputs in the time budget");
        Assert.True(result.Parsed > result.Inputs / 50, $"only {result.Parsed} of {result.Inputs} parsed: the mutations are too destructive to reach the agent");
        Assert.True(result.TcpFrames > 1000 && result.ConnectionsClosed > 0, $"{result.TcpFrames} frames, {result.ConnectionsClosed} streams refused: TCP framing was not exercised");
        Assert.True(result.Sent > 0, "the agent answered nothing");

        // What the agent keeps is released with its transactions: the heap after the run is near where it was early on.
        var growth = result.SettledManagedBytes - result.WarmManagedBytes;
        Assert.True(growth < 16 * 1024 * 1024, $"the managed heap grew by {growth / 1024} KiB over {result.Inputs} inputs");
    }

    /// <summary>Found by the million (from RFC 4475's bcast.dat and dblreq.dat mutated): the parser takes a To or From that is no name-address (",sip:joe@example.com"), and the agent then failed on its tag.</summary>
    [Theory]
    [InlineData("sip:caller@example.net;tag=1", ",sip:joe@example.com")]
    [InlineData(",sip:caller@example.net;tag=1", "<sip:bot@127.0.0.1>")]
    public async Task An_invite_whose_from_or_to_is_no_name_address_is_refused_without_failing_the_agent(string from, string to)
    {
        // The fuzz transport: the in-memory one re-parses what is sent, and a response must copy the malformed From.
        var transport = new FuzzSipTransport();
        var logger = new FailureCountingLogger();
        var agent = new VoiceAgent.Telephony.Sip.UserAgent.SipUserAgent(transport, new("127.0.0.1", 5060), new RejectAll(), TimeProvider.System, logger);
        using var stop = new CancellationTokenSource();
        var loop = agent.RunAsync(stop.Token);

        await Inject(transport, $"INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKbad1\r\nFrom: {from}\r\nTo: {to}\r\n" +
            "Call-ID: bad1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        for (var i = 0; i < 100 && transport.LastStatus is not (>= 400 and < 500); i++)
        {
            await Task.Delay(20);
        }

        Assert.InRange(transport.LastStatus, 400, 499);
        Assert.True(logger.Errors == 0, string.Join(" | ", logger.FirstErrors));
        await stop.CancelAsync();
        await loop;
    }

    private static async Task Inject(FuzzSipTransport transport, string text)
    {
        Assert.True(VoiceAgent.Telephony.Sip.Parsing.SipMessageParser.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var message, out var error), error?.Detail);
        await transport.Writer.WriteAsync(new VoiceAgent.Telephony.Sip.Transport.SipInbound(message, null, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5094)));
    }

    private sealed class RejectAll : VoiceAgent.Telephony.Sip.UserAgent.IIncomingCallHandler
    {
        public Task OnIncomingCallAsync(VoiceAgent.Telephony.Sip.UserAgent.IncomingCall call, CancellationToken cancellationToken)
            => call.RejectAsync(486, "Busy Here", cancellationToken);
    }
}
