using System.Net;
using System.Net.Sockets;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Host.Tests.Calls;

public sealed class CallMediaSessionTests
{
    private static string Offer(int port, string direction, string codec = "0") =>
        $"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP {codec}\r\na={direction}\r\n";

    [Fact]
    public async Task Hold_stops_our_packets_resume_restarts_them_at_the_new_address_and_a_codec_change_is_refused()
    {
        var ports = new RtpPortAllocator(IPAddress.Loopback, 47200, 47300);
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        second.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var stream = new RtpStream(ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)first.LocalEndPoint!, ports.Release);
        stream.ConfirmPeer(); // the call's ACK
        var negotiator = new SdpNegotiator([AudioCodecs.Pcmu, AudioCodecs.Pcma]);
        Assert.True(SessionDescription.TryParse(Offer(((IPEndPoint)first.LocalEndPoint!).Port, "sendrecv"), out var initialOffer, out _));
        var initial = negotiator.Negotiate(initialOffer!).Media!;
        var record = new CallRecord("c1", "sip-1", "a", "b", "inbound", DateTimeOffset.UtcNow);
        var session = new CallMediaSession(negotiator, stream, record, "127.0.0.1", initial, 42, TimeProvider.System);
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        void Tick()
        {
            for (var i = 0; i < 5; i++)
            {
                stream.OnTick(now += System.Diagnostics.Stopwatch.Frequency / 50);
            }
        }

        Tick();
        var before = stream.PacketsSent;
        var held = session.AnswerOffer(Offer(((IPEndPoint)first.LocalEndPoint!).Port, "sendonly"));
        Tick();
        Assert.Contains("a=recvonly", held, StringComparison.Ordinal);
        Assert.Contains("o=VoiceAgent 42 43 ", held, StringComparison.Ordinal); // same session, next version
        Assert.Equal(before, stream.PacketsSent);
        Assert.Contains(record.ToView().Events, e => e.Name == "held");

        var resumed = session.AnswerOffer(Offer(((IPEndPoint)second.LocalEndPoint!).Port, "sendrecv"));
        Tick();
        Assert.Contains("a=sendrecv", resumed, StringComparison.Ordinal);
        Assert.Equal(before + 5, stream.PacketsSent);
        Assert.Equal(second.LocalEndPoint, stream.RemoteEndPoint);
        Assert.True(second.Available > 0, "packets go to the new address");

        Assert.Null(session.AnswerOffer(Offer(((IPEndPoint)second.LocalEndPoint!).Port, "sendrecv", codec: "8")));
        Assert.Null(session.AnswerOffer("not sdp"));
    }
}
