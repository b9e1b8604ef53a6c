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
        await ProbeAsync(udp, host.SipEndPoint, 20); // warm-up: the first OPTIONS pays for JIT compilation
        var before = await ProbeAsync(udp, host.SipEndPoint, 100);

        // The attacker: a small receive window it never drains, and requests whose answers are large
        // (a response copies every Via, RFC 3261 §8.2.6), so the host's writes to it stall. Each time
        // the host closes it, it connects again: the attack lasts the whole measurement.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var flood = FloodAsync(host.SipEndPoint, stop.Token);

        await Task.Delay(500);
        var during = await ProbeAsync(udp, host.SipEndPoint, 200);
        await stop.CancelAsync();
        var (sent, connections) = await flood.WaitAsync(Step);

        output.WriteLine($"UDP OPTIONS round trip before: p50 {Percentile(before, 50):F2} ms, p99 {Percentile(before, 99):F2} ms, max {before.Max():F2} ms");
        output.WriteLine($"UDP OPTIONS round trip while a TCP peer stops reading ({sent} large requests on {connections} connections): p50 {Percentile(during, 50):F2} ms, p99 {Percentile(during, 99):F2} ms, max {during.Max():F2} ms");
        Assert.True(sent > 20, $"the attacker only got {sent} requests out: the attack never loaded the host");
        Assert.True(connections > 1, "the host never closed the peer that stopped reading");
        Assert.All(during, rtt => Assert.True(rtt < 200, $"a UDP OPTIONS took {rtt:F1} ms while a TCP peer stopped reading"));
    }

    [Fact]
    public async Task Trickling_tcp_connections_are_closed_at_the_message_deadline_and_never_block_outbound_tcp()
    {
        await using var host = await RunningHost.StartAsync(
            "--Sip:MaxTcpConnections=50", "--Sip:MaxTcpConnectionsPerAddress=10", "--Sip:TcpMessageTimeoutSeconds=3", "--Logging:LogLevel:Default=Warning");
        await using var callee = await BaresipCallee.StartAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // 50 slowloris connections, 10 from each of 127.0.0.2-6: the whole inbound budget, each trickling
        // one byte of a start line every 250 ms (the old idle timer restarted on every byte).
        var tricklers = new List<Socket>();
        for (var i = 0; i < 50; i++)
        {
            tricklers.Add(await ConnectFromAsync($"127.0.0.{2 + (i / 10)}", host.SipEndPoint));
        }

        var closedAfter = tricklers.Select(t => TrickleUntilClosedAsync(t, stop.Token)).ToArray();

        // The host's own outbound TCP connection is not in the inbound budget the tricklers hold.
        using var placed = await host.Http.PostAsJsonAsync("/v1/calls", new { to = callee.Uri + ";transport=tcp", text = "Still reachable.", ringTimeoutSeconds = 10 });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var closed = await Task.WhenAll(closedAfter).WaitAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"tricklers closed after {closed.Min():F1}-{closed.Max():F1} s (deadline 3 s)");
        Assert.All(closed, seconds => Assert.InRange(seconds, 2.5, 8.0));

        // A legitimate TCP client is answered once the tricklers are gone.
        using var client = await ConnectFromAsync("127.0.0.1", host.SipEndPoint);
        Assert.StartsWith("SIP/2.0 200 ", await TcpOptionsAsync(client, "legit-1"), StringComparison.Ordinal);

        await callee.WaitForCallEndAsync(TimeSpan.FromSeconds(20));
        var call = await host.WaitForCallAsync(c => c.Id == id && c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal("answered", call.Outcome);
        foreach (var trickler in tricklers)
        {
            trickler.Dispose();
        }
    }

    [Fact]
    public async Task A_connection_over_the_per_address_cap_is_closed_while_another_address_is_still_accepted()
    {
        await using var host = await RunningHost.StartAsync("--Sip:MaxTcpConnectionsPerAddress=4", "--Logging:LogLevel:Default=Warning");
        var admitted = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            var socket = await ConnectFromAsync("127.0.0.1", host.SipEndPoint);
            admitted.Add(socket);
            Assert.StartsWith("SIP/2.0 200 ", await TcpOptionsAsync(socket, $"cap-{i}"), StringComparison.Ordinal);
        }

        using (var fifth = await ConnectFromAsync("127.0.0.1", host.SipEndPoint))
        {
            Assert.Null(await TryTcpOptionsAsync(fifth, "cap-4")); // accepted by the kernel, closed by the host unanswered
        }

        using (var other = await ConnectFromAsync("127.0.0.2", host.SipEndPoint))
        {
            Assert.StartsWith("SIP/2.0 200 ", await TcpOptionsAsync(other, "cap-other"), StringComparison.Ordinal);
        }

        // A closed connection gives its place back.
        admitted[0].Dispose();
        await Task.Delay(300);
        using (var again = await ConnectFromAsync("127.0.0.1", host.SipEndPoint))
        {
            Assert.StartsWith("SIP/2.0 200 ", await TcpOptionsAsync(again, "cap-again"), StringComparison.Ordinal);
        }

        foreach (var socket in admitted)
        {
            socket.Dispose();
        }
    }

    private static async Task<Socket> ConnectFromAsync(string source, IPEndPoint host)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(host).WaitAsync(Step);
        return socket;
    }

    /// <summary>Sends one OPTIONS over the connection; the response's start line, or null when the host closed the connection first.</summary>
    private static async Task<string?> TryTcpOptionsAsync(Socket socket, string callId)
    {
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var wire = Encoding.ASCII.GetBytes(
            $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP {local};branch=z9hG4bK{callId}\r\nFrom: <sip:tcp@127.0.0.1>;tag=t1\r\n" +
            $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        var buffer = new byte[4096];
        try
        {
            await socket.SendAsync(wire, SocketFlags.None).WaitAsync(Step);
            using var timeout = new CancellationTokenSource(Step);
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return read == 0 ? null : Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static async Task<string> TcpOptionsAsync(Socket socket, string callId)
        => await TryTcpOptionsAsync(socket, callId) ?? throw new Xunit.Sdk.XunitException($"OPTIONS {callId} over TCP: the host closed the connection");

    /// <summary>Sends a start line one byte every 250 ms until the host closes the connection; returns after how many seconds it did.</summary>
    private static async Task<double> TrickleUntilClosedAsync(Socket socket, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var line = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9:5060;branch=z9hG4bKslow\r\nX-Padding: "u8.ToArray();
        var closed = ReceiveUntilClosedAsync(socket, stop);
        try
        {
            for (var i = 0; !closed.IsCompleted && !stop.IsCancellationRequested; i++)
            {
                await socket.SendAsync(line.AsMemory(i % line.Length, 1), SocketFlags.None, stop);
                await Task.WhenAny(closed, Task.Delay(250, stop));
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }

        await closed;
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task ReceiveUntilClosedAsync(Socket socket, CancellationToken stop)
    {
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, stop) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // reset: closed as well
        }
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

    /// <summary>Writes large OPTIONS (300 Via headers each) and never reads, reconnecting whenever the host closes, until stopped.</summary>
    private static async Task<(int Sent, int Connections)> FloodAsync(IPEndPoint host, CancellationToken stop)
    {
        var sent = 0;
        var connections = 0;
        while (!stop.IsCancellationRequested)
        {
            using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            try
            {
                await attacker.ConnectAsync(host, stop);
                connections++;
                while (!stop.IsCancellationRequested)
                {
                    await attacker.SendAsync(LargeOptions($"flood-{sent}"), SocketFlags.None, stop);
                    sent++;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // stopped, or the host closed this connection: connect again
            }
        }

        return (sent, connections);
    }

    private static byte[] LargeOptions(string callId)
    {
        var vias = new StringBuilder();
        for (var v = 0; v < 300; v++)
        {
            vias.Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/TCP 127.0.0.9:{5000 + v};branch=z9hG4bK{callId}x{v};padding=0123456789012345678901234567890123456789\r\n");
        }

        return Encoding.ASCII.GetBytes(
            $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\n{vias}From: <sip:flood@127.0.0.1>;tag=f1\r\nTo: <sip:bot@127.0.0.1>\r\n" +
            $"Call-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
    }

    private static double Percentile(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }
}
