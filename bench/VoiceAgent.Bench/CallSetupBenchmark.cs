using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Host.Tests.Infrastructure;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Bench;

/// <summary>
/// Call set-ups per second over UDP (or TCP) on loopback: our own UAC (a second user agent in this process)
/// places N calls to the host, K at a time; each call is INVITE, 100, 200 (the host allocates RTP,
/// opens a speech session and starts its greeting), ACK, then BYE at once. Reports set-ups per second
/// and failures; the host runs with its defaults except the per-source INVITE rate limit (off).
/// Over TCP every call's signalling shares the one connection the UAC opens to the host.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- setups [calls=500] [concurrency=20] [udp|tcp]
/// </summary>
internal static class CallSetupBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        var tcp = args.Length > 3 && args[3] == "tcp";
        var rtp = FreePorts.UdpRange((concurrency * 4) + 20);
        await using var host = await RunningHost.StartAsync("--Serilog:MinimumLevel:Default=Warning", "--Sip:InvitesPerSecondPerSource=0", "--Inbound:Greeting=Hi.",
            $"--Rtp:PortMin={rtp.Min}", $"--Rtp:PortMax={rtp.Max}");
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, FreePorts.Udp()), NullLoggerFactory.Instance, tcp ? new TcpTransportOptions() : null);
        var target = host.Uri() + (tcp ? ";transport=tcp" : string.Empty);
        var agent = new SipUserAgent(transport, new SipUserAgentOptions("127.0.0.1", transport.LocalEndPoint.Port), new RefuseAll(), TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        using var stop = new CancellationTokenSource();
        var loop = agent.RunAsync(stop.Token);
        var offer = SdpOfferBuilder.Build([AudioCodecs.Pcmu], "127.0.0.1", 9, 1); // media to the discard port: only signalling is measured

        var failures = 0;
        var setupTimes = new List<double>();
        var next = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= calls)
            {
                var started = Stopwatch.GetTimestamp();
                var call = agent.PlaceCall(new OutgoingCallRequest(target, "load", offer, TimeSpan.FromSeconds(10)));
                if (await call.Answered)
                {
                    lock (setupTimes)
                    {
                        setupTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    await call.HangupAsync(CancellationToken.None);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    Console.WriteLine($"call failed: {call.Outcome} {call.StatusCode}");
                }
            }
        }));
        var elapsed = wall.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await loop;

        setupTimes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(tcp ? "TCP" : "UDP")} calls: {calls}, {concurrency} at a time, {failures} failed; {calls / elapsed:F1} set-ups/s (INVITE to BYE answered, {elapsed:F1} s); INVITE -> 200 OK p50 {setupTimes[setupTimes.Count / 2]:F1} ms, p95 {setupTimes[(int)(setupTimes.Count * 0.95)]:F1} ms"));
        return failures == 0 ? 0 : 1;
    }

    private sealed class RefuseAll : IIncomingCallHandler
    {
        public Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken) => call.RejectAsync(603, null, cancellationToken);
    }
}
