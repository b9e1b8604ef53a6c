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
        var ok = VoiceAgent.Telephony.Sip.UserAgent.SipResponseFactory.Create((SipRequest)atB.Message!, 200, "OK");
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
}
