using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Host.Tests.EndToEnd.Adversarial;

/// <summary>
/// Attacks on SIP over TCP against the real host on loopback: a peer that never reads what it is
/// sent, connections that trickle bytes (slowloris), and many connections from one address.
/// Signalling must never wait on one peer, and one address must never use up the TCP budget.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SipTcpAdversarialTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Udp_options_are_answered_within_200_ms_while_a_tcp_peer_stops_reading()
    {
        await using var host = await RunningHost.StartAsync("--Sip:TcpSendTimeoutSeconds=3", "--Logging:LogLevel:Default=Warning");
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var before = await ProbeAsync(udp, host.SipEndPoint, 50);

        // The attacker: a small receive window it never drains, and requests whose answers are large
        // (a response copies every Via, RFC 3261 §8.2.6), so the host's writes to it stall.
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await attacker.ConnectAsync(host.SipEndPoint).WaitAsync(Step);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var flood = FloodAsync(attacker, stop.Token);

        await Task.Delay(500);
        var during = await ProbeAsync(udp, host.SipEndPoint, 200);
        await stop.CancelAsync();
        var sent = await flood.WaitAsync(Step);

        output.WriteLine($"UDP OPTIONS round trip before: p50 {Percentile(before, 50):F2} ms, p99 {Percentile(before, 99):F2} ms, max {before.Max():F2} ms");
        output.WriteLine($"UDP OPTIONS round trip while a TCP peer stops reading ({sent} large requests sent): p50 {Percentile(during, 50):F2} ms, p99 {Percentile(during, 99):F2} ms, max {during.Max():F2} ms");
        Assert.True(sent > 20, $"the attacker only got {sent} requests out: the attack never loaded the host");
        Assert.All(during, rtt => Assert.True(rtt < 200, $"a UDP OPTIONS took {rtt:F1} ms while a TCP peer stopped reading"));
    }

    /// <summary>Sends OPTIONS over UDP one after another; the round trips in milliseconds (2000 for one never answered).</summary>
    private static async Task<double[]> ProbeAsync(UdpClient udp, IPEndPoint host, int count)
    {
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var rtts = new double[count];
        for (var i = 0; i < count; i++)
        {
            var callId = $"probe-{i}-{Guid.NewGuid():N}";
            var wire = Encoding.ASCII.GetBytes(
                $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{callId}\r\nFrom: <sip:probe@127.0.0.1>;tag=p1\r\n" +
                $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            var started = Stopwatch.GetTimestamp();
            await udp.SendAsync(wire, host);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (true)
            {
                UdpReceiveResult answer;
                try
                {
                    answer = await udp.ReceiveAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    break; // unanswered: counted as the full 2 s
                }

                if (Encoding.ASCII.GetString(answer.Buffer).Contains(callId, StringComparison.Ordinal))
                {
                    break; // an answer to an earlier, late probe is skipped
                }
            }

            rtts[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await Task.Delay(10);
        }

        return rtts;
    }

    /// <summary>Writes large OPTIONS (300 Via headers each) until stopped or the host closes; returns how many went out.</summary>
    private static async Task<int> FloodAsync(Socket attacker, CancellationToken stop)
    {
        var sent = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var callId = $"flood-{sent}";
                var vias = new StringBuilder();
                for (var v = 0; v < 300; v++)
                {
                    vias.Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/TCP 127.0.0.9:{5000 + v};branch=z9hG4bK{callId}x{v};padding=0123456789012345678901234567890123456789\r\n");
                }

                var wire = Encoding.ASCII.GetBytes(
                    $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\n{vias}From: <sip:flood@127.0.0.1>;tag=f1\r\nTo: <sip:bot@127.0.0.1>\r\n" +
                    $"Call-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
                await attacker.SendAsync(wire, SocketFlags.None, stop);
                sent++;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped, or the host closed the connection: both end the attack
        }

        return sent;
    }

    private static double Percentile(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }
}
