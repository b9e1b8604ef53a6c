using System.Diagnostics;
using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>
/// Drives mutated messages through what a network delivery goes through: half as UDP datagrams
/// (parser, Via stamp), half streamed over eight TCP connections cut at random points (framer,
/// parser; a refused stream starts a new connection), all into one real <see cref="SipUserAgent"/>
/// with short timers, whose answers are serialized and dropped. Samples the managed heap so a run
/// shows whether state the agent keeps per message is released. Shared by the tests (a fixed-seed
/// sample) and <c>bench/VoiceAgent.Bench fuzz</c> (a million).
/// </summary>
internal static class SipFuzzer
{
    private const int Connections = 8;
    private const int SampleEvery = 10_000;

    public static async Task<SipFuzzResult> RunAsync(byte[][] corpus, long count, int seed, TimeSpan budget)
    {
        var transport = new FuzzSipTransport();
        var logger = new FailureCountingLogger(() => transport.Current is { Message: { } m } ? System.Text.Encoding.UTF8.GetString(SipMessageSerializer.Serialize(m)) : null);
        var options = new SipUserAgentOptions("127.0.0.1", 5060)
        {
            // T1 5 ms: transactions end within 64*T1 = 320 ms, so a run is not a test of how many fit in 32 s.
            Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(5), T2 = TimeSpan.FromMilliseconds(20), T4 = TimeSpan.FromMilliseconds(25) },
            MaxConcurrentCalls = 500,
            InvitesPerSecondPerSource = 20,
        };
        var agent = new SipUserAgent(transport, options, new RejectingCallHandler(), TimeProvider.System, logger);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => agent.RunAsync(stop.Token));

        var mutator = new SipMutator(corpus, seed);
        var random = mutator.Random;
        var framers = new SipStreamFramer[Connections];
        var connectionRemotes = new IPEndPoint[Connections];
        for (var c = 0; c < Connections; c++)
        {
            framers[c] = new SipStreamFramer(SipMessageParser.DefaultMaxMessageSize);
            connectionRemotes[c] = new IPEndPoint(IPAddress.Parse($"127.0.1.{c + 1}"), 40_000 + c);
        }

        long inputs = 0, datagrams = 0, frames = 0, parsed = 0, closed = 0, peakManaged = 0, warmManaged = 0;
        var clock = Stopwatch.StartNew();
        for (; inputs < count && clock.Elapsed < budget; inputs++)
        {
            var input = mutator.Next((int)(inputs % int.MaxValue));
            if ((inputs & 1) == 0)
            {
                datagrams++;
                var inbound = Parse(input, AnySource(random), SipTransportKind.Udp);
                parsed += inbound.Message is null ? 0 : 1;
                await transport.Writer.WriteAsync(inbound);
            }
            else
            {
                var c = random.Next(Connections);
                for (var offset = 0; offset < input.Length;)
                {
                    var space = framers[c].FreeSpace();
                    var piece = Math.Min(Math.Min(random.Next(1, 1500), space.Length), input.Length - offset);
                    input.AsSpan(offset, piece).CopyTo(space.Span);
                    framers[c].Commit(piece);
                    offset += piece;
                    SipFrame frame;
                    while ((frame = framers[c].Next(out var message)) is not SipFrame.Incomplete)
                    {
                        if (frame == SipFrame.Message)
                        {
                            frames++;
                            var inbound = Parse(message.Span, connectionRemotes[c], SipTransportKind.Tcp);
                            parsed += inbound.Message is null ? 0 : 1;
                            await transport.Writer.WriteAsync(inbound);
                        }
                        else if (frame != SipFrame.Ping)
                        {
                            // The transport closes such a connection; the peer's next bytes come on a new one.
                            closed++;
                            framers[c] = new SipStreamFramer(SipMessageParser.DefaultMaxMessageSize);
                            connectionRemotes[c] = AnySource(random);
                            break;
                        }
                    }
                }
            }

            if (inputs % SampleEvery == 0)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                if (warmManaged == 0 && inputs >= count / 10 && inputs > 0)
                {
                    warmManaged = GC.GetTotalMemory(true);
                }
            }
        }

        var elapsed = clock.Elapsed;
        transport.Writer.TryComplete();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));

        // Let the last transactions' timers (64*T1) run out before weighing what is left.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settled = GC.GetTotalMemory(true);
        peakManaged = Math.Max(peakManaged, settled);
        GC.KeepAlive(agent);
        return new SipFuzzResult(
            inputs, datagrams, frames, parsed, closed, transport.Sent, logger.Errors, logger.FirstErrors, elapsed,
            peakManaged, Process.GetCurrentProcess().PeakWorkingSet64, settled, warmManaged == 0 ? settled : warmManaged);
    }

    /// <summary>
    /// A source among 16,000-odd loopback addresses: enough that the per-source INVITE limit (20/s)
    /// rarely answers 503 first, so mutated INVITEs reach dialog creation and the call handler.
    /// </summary>
    private static IPEndPoint AnySource(Random random)
        => new(new IPAddress([127, (byte)random.Next(1, 64), (byte)random.Next(256), (byte)random.Next(1, 255)]), random.Next(1024, 65536));

    private static SipInbound Parse(ReadOnlySpan<byte> bytes, IPEndPoint remote, SipTransportKind kind)
    {
        if (!SipMessageParser.TryParse(bytes, SipMessageParser.DefaultMaxMessageSize, out var message, out var error))
        {
            return new SipInbound(null, error, remote, kind);
        }

        if (message is SipRequest request)
        {
            ViaReceivedStamp.Apply(request, remote);
        }

        return new SipInbound(message, null, remote, kind);
    }

    /// <summary>A host that is always busy: every INVITE that reaches it is answered 486, so no call stays up.</summary>
    private sealed class RejectingCallHandler : IIncomingCallHandler
    {
        public Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken)
            => call.RejectAsync(486, "Busy Here", cancellationToken);
    }
}
