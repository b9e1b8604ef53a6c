using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Rtp;

public sealed class RtcpPacketTests
{
    [Fact]
    public void A_sender_report_with_a_block_and_sdes_reads_back()
    {
        var buffer = new byte[1500];
        var block = new RtcpReportBlock(0xAABBCCDD, 64, 12, 70_000, 80, 0x12345678, 65536);
        var ntp = RtcpPacket.NtpNow(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

        var length = RtcpPacket.WriteCompound(buffer, 0x01020304, sender: true, ntp, 160_000, 500, 80_000, block, "voiceagent@127.0.0.1");

        Assert.Equal(0, length % 4); // §6.1: compound packets are a whole number of 32-bit words
        Assert.Equal(200, buffer[1]);
        Assert.Equal(202, buffer[8 + 20 + 24 + 1]); // SDES right after the SR and its block
        Assert.True(RtcpPacket.TryRead(buffer.AsSpan(0, length), 0xAABBCCDD, out var read, out var senderNtp, out var senderSsrc));
        Assert.Equal(block, read);
        Assert.Equal(ntp, senderNtp);
        Assert.Equal(0x01020304u, senderSsrc);
    }

    [Fact]
    public void Blocks_about_other_sources_are_skipped_and_garbage_is_refused()
    {
        var buffer = new byte[1500];
        var length = RtcpPacket.WriteCompound(buffer, 7, sender: false, 0, 0, 0, 0, new RtcpReportBlock(99, 0, -3, 1, 2, 3, 4), "x");

        Assert.Equal(201, buffer[1]);
        Assert.True(RtcpPacket.TryRead(buffer.AsSpan(0, length), 42, out var aboutUs, out var ntp, out _));
        Assert.Null(aboutUs);
        Assert.Null(ntp);
        Assert.False(RtcpPacket.TryRead(new byte[] { 0x80, 0x00, 0, 1, 0, 0, 0, 0 }, 42, out _, out _, out _)); // RTP, not RTCP
        Assert.False(RtcpPacket.TryRead(new byte[] { 1, 2, 3 }, 42, out _, out _, out _));
    }

    [Fact]
    public void The_middle_32_bits_make_the_round_trip_arithmetic_work()
    {
        var sent = RtcpPacket.NtpNow(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var back = RtcpPacket.NtpNow(new DateTimeOffset(2026, 11, 28, 12, 0, 0, 250, TimeSpan.Zero));

        // The peer held our SR for 200 ms (DLSR); the report came back 250 ms after we sent: RTT 50 ms.
        var rtt = RtcpPacket.Middle32(back) - RtcpPacket.Middle32(sent) - (uint)(0.2 * 65536);
        Assert.InRange(rtt * 1000.0 / 65536, 49.9, 50.1);
    }
}
