using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Rtp;

public sealed class RtpHeaderTests
{
    [Fact]
    public void Written_header_has_the_rfc_3550_layout_and_parses_back()
    {
        var packet = new byte[12 + 4];
        new RtpHeader(true, 8, 0xBEEF, 0x01020304, 0xCAFEBABE).Write(packet);

        Assert.Equal(0x80, packet[0]);
        Assert.Equal(0x88, packet[1]);
        Assert.Equal([0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xCA, 0xFE, 0xBA, 0xBE], packet[2..12]);
        Assert.True(RtpHeader.TryParse(packet, out var header, out var offset, out var length));
        Assert.Equal(new RtpHeader(true, 8, 0xBEEF, 0x01020304, 0xCAFEBABE), header);
        Assert.Equal((12, 4), (offset, length));
    }

    [Fact]
    public void Csrcs_extension_and_padding_are_skipped()
    {
        // V=2, P=1, X=1, CC=1; one CSRC; extension of one word; payload 2 bytes; 2 bytes padding.
        byte[] packet = [0xB1, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, /* csrc */ 9, 9, 9, 9, /* ext */ 0xBE, 0xDE, 0, 1, 7, 7, 7, 7, /* payload */ 0xAA, 0xBB, /* pad */ 0, 2];

        Assert.True(RtpHeader.TryParse(packet, out _, out var offset, out var length));
        Assert.Equal((24, 2), (offset, length));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0 })]
    [InlineData(new byte[] { 0x40, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 200 })]
    [InlineData(new byte[] { 0x8F, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 })]
    public void Garbage_is_not_rtp(byte[] packet) => Assert.False(RtpHeader.TryParse(packet, out _, out _, out _));
}
