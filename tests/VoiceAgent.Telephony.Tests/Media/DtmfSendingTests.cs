using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Media;

/// <summary>Keys sent as RFC 4733 events inside the stream, read back off the wire by the event decoder.</summary>
public sealed class DtmfSendingTests
{
    [Fact]
    public async Task Queued_keys_leave_as_telephone_events_that_decode_to_the_same_keys()
    {
        var ports = new RtpPortAllocator(IPAddress.Loopback, 47400, 47500);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var stream = new RtpStream(ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)peer.LocalEndPoint!, ports.Release);
        stream.ConfirmPeer();

        Assert.True(stream.SendDigits("15#"));
        Assert.False(stream.SendDigits("1x"));
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < 60; i++)
        {
            stream.OnTick(now += System.Diagnostics.Stopwatch.Frequency / 50);
        }

        Assert.Equal(0, stream.PendingDigits);
        var decoder = new DtmfEventDecoder(8000);
        var digits = new List<char>();
        var markers = 0;
        var buffer = new byte[2048];
        while (peer.Available > 0)
        {
            var n = peer.Receive(buffer);
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, n), out var header, out var offset, out var length));
            if (header.PayloadType != 101)
            {
                continue;
            }

            markers += header.Marker ? 1 : 0;
            if (decoder.TryDecode(buffer.AsSpan(offset, length), header.Timestamp, out var digit))
            {
                digits.Add(digit.Digit);
                Assert.Equal(160, digit.DurationMs);
            }
        }

        Assert.Equal(['1', '5', '#'], digits);
        Assert.Equal(3, markers); // one marker per event (RFC 4733 §2.5.1.3)
    }

    [Fact]
    public async Task Without_a_negotiated_telephone_event_no_keys_can_be_sent()
    {
        var ports = new RtpPortAllocator(IPAddress.Loopback, 47500, 47600);
        await using var stream = new RtpStream(ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, null), new IPEndPoint(IPAddress.Loopback, 9), ports.Release);

        Assert.False(stream.SendDigits("1"));
    }
}
