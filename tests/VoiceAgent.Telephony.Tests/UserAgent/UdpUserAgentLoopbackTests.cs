using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.UserAgent;

public sealed class UdpUserAgentLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Responses_go_to_the_rport_source_with_received_and_rport_stamped()
    {
        await using var transport = UdpSipTransport.Bind(new IPEndPoint(IPAddress.Loopback, 0), NullLogger<UdpSipTransport>.Instance);
        var handler = new AnsweringHandler();
        var agent = new SipUserAgent(transport, new SipUserAgentOptions("127.0.0.1", transport.LocalEndPoint.Port), handler, TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var callerPort = ((IPEndPoint)caller.LocalEndPoint!).Port;

        // The Via names port 9 (nothing listens there): only rport (RFC 3581) brings responses back to us.
        var invite = SipTestRequests.Text("INVITE", sentBy: "127.0.0.1:9", body: SipTestRequests.Sdp);
        await caller.SendToAsync(Encoding.UTF8.GetBytes(invite), SocketFlags.None, transport.LocalEndPoint);

        var trying = await ReceiveResponseAsync(caller);
        var ok = await ReceiveResponseAsync(caller);

        Assert.Equal(100, trying.StatusCode);
        Assert.Equal(200, ok.StatusCode);
        foreach (var response in new[] { trying, ok })
        {
            Assert.True(SipVia.TryParse(response.TopVia!, out var via));
            Assert.Equal("127.0.0.1", via!.Received);
            Assert.Equal(callerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), via.RPort);
            Assert.Equal("z9hG4bK-tx1", via.Branch);
        }

        await caller.SendToAsync(Encoding.UTF8.GetBytes(SipTestRequests.Text("ACK", branch: "z9hG4bK-ack1", sentBy: "127.0.0.1:9", toTag: ToTagOf(ok))), SocketFlags.None, transport.LocalEndPoint);
        Assert.True(await handler.Answered.Task.WaitAsync(Timeout));

        await stop.CancelAsync();
        await running.WaitAsync(Timeout);
    }

    [Fact]
    public void Binding_a_port_in_use_throws_naming_the_address_and_port()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)holder.LocalEndPoint!;

        var ex = Assert.Throws<SipTransportException>(() => UdpSipTransport.Bind(taken, NullLogger<UdpSipTransport>.Instance));

        Assert.Contains($"127.0.0.1:{taken.Port}", ex.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(ex.InnerException);
    }

    private static async Task<SipResponse> ReceiveResponseAsync(Socket socket)
    {
        var buffer = new byte[65_536];
        using var timeout = new CancellationTokenSource(Timeout);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.True(SipMessageParser.TryParse(buffer.AsSpan(0, length), out var message, out var error), error?.Detail);
        return Assert.IsType<SipResponse>(message);
    }

    private static string ToTagOf(SipMessage message)
    {
        Assert.True(SipNameAddress.TryParse(message.To!, out var to));
        return Assert.IsType<string>(to!.Tag);
    }

    private sealed class AnsweringHandler : IIncomingCallHandler
    {
        public TaskCompletionSource<bool> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken)
            => Answered.TrySetResult(await call.AnswerAsync("v=0\r\n", cancellationToken));
    }
}
