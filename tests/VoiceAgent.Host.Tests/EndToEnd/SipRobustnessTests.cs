using System.Net;
using System.Net.Sockets;
using System.Text;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Raw datagrams to the running host's SIP port.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SipRobustnessTests
{
    [Fact]
    public async Task Options_gets_200_with_allow()
    {
        await using var host = await RunningHost.StartAsync();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        var response = await SendAsync(udp, host.SipEndPoint, Options(udp, "opt-1"));

        Assert.StartsWith("SIP/2.0 200", response, StringComparison.Ordinal);
        Assert.Contains("INVITE", HeaderValue(response, "Allow"), StringComparison.Ordinal);
        Assert.Contains("Call-ID: opt-1", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Garbage_datagrams_do_not_take_the_host_down()
    {
        await using var host = await RunningHost.StartAsync();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(2);
        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[random.Next(1, 1500)];
            random.NextBytes(garbage);
            await udp.SendAsync(garbage, host.SipEndPoint);
        }

        await udp.SendAsync("INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n"u8.ToArray(), host.SipEndPoint);

        var response = await SendAsync(udp, host.SipEndPoint, Options(udp, "opt-after-garbage"), skipUntilCallId: "opt-after-garbage");
        Assert.StartsWith("SIP/2.0 200", response, StringComparison.Ordinal);
        using var health = await host.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Unparseable_but_addressable_request_gets_400()
    {
        await using var host = await RunningHost.StartAsync();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var bad = $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKbad1\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:bot@127.0.0.1>\r\nCall-ID: bad-cseq\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

        var response = await SendAsync(udp, host.SipEndPoint, bad);

        Assert.StartsWith("SIP/2.0 400", response, StringComparison.Ordinal);
    }

    private static string Options(UdpClient udp, string callId)
    {
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        return $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{callId}\r\nFrom: <sip:tester@127.0.0.1>;tag=t1\r\nTo: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    /// <summary>Sends like a UAC over UDP: retransmits every 500 ms (timer E) until a response arrives, 5 s at most.</summary>
    private static async Task<string> SendAsync(UdpClient udp, IPEndPoint target, string message, string? skipUntilCallId = null)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await udp.SendAsync(bytes, target);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                while (true)
                {
                    var received = await udp.ReceiveAsync(timeout.Token);
                    var text = Encoding.UTF8.GetString(received.Buffer);
                    if (skipUntilCallId is null || text.Contains(skipUntilCallId, StringComparison.Ordinal))
                    {
                        return text;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        throw new TimeoutException("no response within 5 s");
    }

    private static string HeaderValue(string message, string name)
    {
        foreach (var line in message.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return string.Empty;
    }
}
