using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Tests.Sip.Transport;

/// <summary>SIP over real TCP sockets on loopback (RFC 3261 §18): framing, connection reuse, the same port as UDP.</summary>
public sealed class TcpSipTransportTests
{
    private static string Options(string branch, string body = "") =>
        $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.9:5999;branch={branch}\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {branch}@test\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    private static async Task<SipInbound> NextAsync(ISipTransport transport)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await transport.Incoming.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Messages_written_in_pieces_arrive_whole_and_the_response_goes_back_on_the_same_connection()
    {
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(transport.LocalEndPoint);

        var wire = Encoding.ASCII.GetBytes(Options("z9hG4bKa", "x=1") + Options("z9hG4bKb"));
        foreach (var piece in wire.Chunk(5))
        {
            await client.SendAsync(piece);
        }

        var first = await NextAsync(transport);
        var second = await NextAsync(transport);
        Assert.Equal(SipTransportKind.Tcp, first.Transport);
        Assert.Equal("x=1", Encoding.ASCII.GetString(((SipRequest)first.Message!).Body.Span));
        Assert.Equal("z9hG4bKb@test", second.Message!.CallId);
        Assert.Equal(client.LocalEndPoint, first.Remote);
        Assert.Contains("received=127.0.0.1", first.Message.Headers.Get("Via"), StringComparison.Ordinal); // §18.2.1: the sent-by host is not the source

        var response = new SipResponse(200, "OK", new SipHeaderCollection());
        response.Headers.Add("Call-ID", "z9hG4bKa@test");
        Assert.True(await transport.SendAsync(response, first.Remote, SipTransportKind.Tcp, CancellationToken.None));
        var buffer = new byte[2048];
        var read = await client.ReceiveAsync(buffer);
        Assert.StartsWith("SIP/2.0 200 OK\r\n", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        Assert.Equal(1, transport.Tcp!.ConnectionCount);
    }

    [Fact]
    public async Task A_keepalive_ping_is_answered_and_a_stream_without_content_length_is_closed()
    {
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(transport.LocalEndPoint);
        var buffer = new byte[64];

        await client.SendAsync("\r\n\r\n"u8.ToArray());
        Assert.Equal("\r\n", Encoding.ASCII.GetString(buffer, 0, await client.ReceiveAsync(buffer))); // RFC 5626 §3.5.1

        await client.SendAsync("BYE sip:a@127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n\r\n"u8.ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)); // closed by the host
        Assert.False(transport.Incoming.TryRead(out _));
    }

    [Fact]
    public async Task Two_transports_reach_each_other_over_tcp_and_reuse_one_connection_both_ways()
    {
        await using var a = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        await using var b = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(Options("z9hG4bKc")), out var request, out _));

        Assert.True(await a.SendAsync(request!, b.LocalEndPoint, SipTransportKind.Tcp, CancellationToken.None));
        var atB = await NextAsync(b);
        var ok = VoiceAgent.Telephony.Sip.Messages.SipResponseFactory.Create((SipRequest)atB.Message!, 200, "OK");
        Assert.True(await b.SendAsync(ok, atB.Remote, SipTransportKind.Tcp, CancellationToken.None));
        var atA = await NextAsync(a);

        Assert.Equal(SipTransportKind.Tcp, atA.Transport);
        Assert.IsType<SipResponse>(atA.Message);
        Assert.Equal(1, a.Tcp!.ConnectionCount);
        Assert.Equal(1, b.Tcp!.ConnectionCount);
    }

    [Fact]
    public async Task A_refused_connection_is_a_failed_send_not_an_exception()
    {
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // a port nobody listens on
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(Options("z9hG4bKd")), out var request, out _));

        Assert.False(await transport.SendAsync(request!, (IPEndPoint)probe.LocalEndPoint!, SipTransportKind.Tcp, CancellationToken.None));
    }

    [Fact]
    public async Task Udp_and_tcp_share_the_port_and_a_taken_port_is_named()
    {
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await udp.SendAsync(Encoding.ASCII.GetBytes(Options("z9hG4bKe").Replace("/TCP", "/UDP", StringComparison.Ordinal)), transport.LocalEndPoint);
        Assert.Equal(SipTransportKind.Udp, (await NextAsync(transport)).Transport);

        var error = Assert.Throws<SipTransportException>(() => SipTransportSet.Bind(transport.LocalEndPoint, NullLoggerFactory.Instance, new TcpTransportOptions()));
        Assert.Contains(transport.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_that_does_not_read_is_closed_at_the_send_timeout_and_every_queued_send_fails()
    {
        var options = new TcpTransportOptions(SendTimeout: TimeSpan.FromSeconds(1)) { MaxQueuedMessages = 100_000, MaxQueuedBytes = 64 * 1024 * 1024 };
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, options);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(transport.LocalEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options("z9hG4bKf")));
        var remote = (await NextAsync(transport)).Remote;

        var response = new SipResponse(200, "OK", new SipHeaderCollection());
        response.Headers.Add("Call-ID", "z9hG4bKf@test");
        response.Headers.Add("X-Padding", new string('x', 8000));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sends = Enumerable.Range(0, 2000).Select(_ => transport.SendAsync(response, remote, SipTransportKind.Tcp, CancellationToken.None).AsTask()).ToArray();
        var outcomes = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 5); // the first write that stalls for 1 s ends them all
        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes); // the rest failed when the peer was closed for not reading
        await ForgottenAsync(transport);
    }

    [Fact]
    public async Task A_send_queue_over_its_bound_closes_the_connection_instead_of_growing()
    {
        var counted = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "voiceagent.sip.tcp.closed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "reason", Value: "send_queue_full" })
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        var options = new TcpTransportOptions { MaxQueuedMessages = 8 };
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, options);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(transport.LocalEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options("z9hG4bKg")));
        var remote = (await NextAsync(transport)).Remote;

        var response = new SipResponse(200, "OK", new SipHeaderCollection());
        response.Headers.Add("X-Padding", new string('x', 60_000));
        var sends = Enumerable.Range(0, 200).Select(_ => transport.SendAsync(response, remote, SipTransportKind.Tcp, CancellationToken.None).AsTask()).ToArray();
        var outcomes = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Contains(false, outcomes);
        Assert.True(Interlocked.Read(ref counted) >= 1, "the closed connection was not counted");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[65536];
        while (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
        {
        }

        await ForgottenAsync(transport);
    }

    /// <summary>Waits (2 s at most) until the transport has forgotten every connection.</summary>
    private static async Task ForgottenAsync(SipTransportSet transport)
    {
        for (var i = 0; i < 40 && transport.Tcp!.ConnectionCount > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, transport.Tcp!.ConnectionCount);
    }

    [Fact]
    public async Task Trickled_bytes_do_not_reset_the_idle_timer_but_keepalive_pings_do()
    {
        var options = new TcpTransportOptions(IdleTimeout: TimeSpan.FromSeconds(2), MessageTimeout: TimeSpan.FromSeconds(30));
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, options);
        using var trickler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var pinger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await trickler.ConnectAsync(transport.LocalEndPoint);
        await pinger.ConnectAsync(transport.LocalEndPoint);
        var start = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nX-Slow: "u8.ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tricklerClosed = ClosedAsync(trickler);
        var buffer = new byte[16];

        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(4.5); i++)
        {
            if (!tricklerClosed.IsCompleted)
            {
                await trickler.SendAsync(start.AsMemory(i % start.Length, 1), SocketFlags.None);
            }

            await pinger.SendAsync("\r\n\r\n"u8.ToArray(), SocketFlags.None);
            using var pong = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var answered = await pinger.ReceiveAsync(buffer, SocketFlags.None, pong.Token);
            Assert.True(answered == 2, $"ping {i} after {clock.Elapsed.TotalSeconds:F1} s: read {answered} bytes, not one CRLF"); // RFC 5626 §3.5.1
            await Task.Delay(200);
        }

        Assert.True(tricklerClosed.IsCompleted, "a connection trickling bytes outlived the idle timeout");
        Assert.InRange(await tricklerClosed, 1.9, 4.0);
        Assert.Equal(1, transport.Tcp!.ConnectionCount);

        async Task<double> ClosedAsync(Socket socket)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var scratch = new byte[64];
            try
            {
                while (await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token) > 0)
                {
                }
            }
            catch (SocketException)
            {
            }

            return clock.Elapsed.TotalSeconds;
        }
    }

    [Fact]
    public async Task A_message_not_whole_by_the_deadline_closes_its_connection()
    {
        var options = new TcpTransportOptions(MessageTimeout: TimeSpan.FromSeconds(1));
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, options);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(transport.LocalEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options("z9hG4bKh"))); // a whole message first: its clock is per message
        await NextAsync(transport);
        await client.SendAsync("OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\n"u8.ToArray());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await client.ReceiveAsync(new byte[64], SocketFlags.None, timeout.Token));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 2.5);
    }

    [Fact]
    public async Task Inbound_connections_over_the_per_address_cap_are_refused_but_outbound_ones_are_not()
    {
        var options = new TcpTransportOptions(MaxConnections: 2, MaxConnectionsPerAddress: 2);
        await using var transport = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, options);
        await using var peer = SipTransportSet.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, new TcpTransportOptions());
        var inbound = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(transport.LocalEndPoint);
            inbound.Add(socket);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await inbound[2].ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token)); // the third is closed at accept
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(Options("z9hG4bKi")), out var request, out _));
        Assert.True(await transport.SendAsync(request!, peer.LocalEndPoint, SipTransportKind.Tcp, CancellationToken.None)); // our own dialing is not in the inbound budget
        Assert.Equal(3, transport.Tcp!.ConnectionCount);
        inbound.ForEach(s => s.Dispose());
    }
}
