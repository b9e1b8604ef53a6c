using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Rtp;

public sealed class DtmfEventDecoderTests
{
    private static byte[] Event(int code, bool end, int duration) => [(byte)code, (byte)((end ? 0x80 : 0) | 10), (byte)(duration >> 8), (byte)duration];

    [Fact]
    public void A_digit_is_reported_once_at_its_end_despite_three_end_packets()
    {
        var decoder = new DtmfEventDecoder();
        var reported = new List<DtmfDigit>();
        foreach (var (payload, ts) in new[] { (Event(5, false, 160), 1000u), (Event(5, false, 320), 1000u), (Event(5, true, 800), 1000u), (Event(5, true, 800), 1000u), (Event(5, true, 800), 1000u) })
        {
            if (decoder.TryDecode(payload, ts, out var digit))
            {
                reported.Add(digit);
            }
        }

        var single = Assert.Single(reported);
        Assert.Equal('5', single.Digit);
        Assert.Equal(100, single.DurationMs);
    }

    [Fact]
    public void The_same_key_pressed_twice_is_two_digits()
    {
        var decoder = new DtmfEventDecoder();

        Assert.True(decoder.TryDecode(Event(1, true, 800), 1000, out _));
        Assert.False(decoder.TryDecode(Event(1, true, 800), 1000, out _));
        Assert.True(decoder.TryDecode(Event(1, true, 800), 5000, out var second));
        Assert.Equal('1', second.Digit);
    }

    [Theory]
    [InlineData(10, '*')]
    [InlineData(11, '#')]
    [InlineData(0, '0')]
    [InlineData(15, 'D')]
    public void Event_codes_map_to_keys(int code, char key)
    {
        Assert.True(new DtmfEventDecoder().TryDecode(Event(code, true, 400), 1, out var digit));
        Assert.Equal(key, digit.Digit);
    }

    [Fact]
    public void Short_payloads_and_non_dtmf_events_are_ignored()
    {
        var decoder = new DtmfEventDecoder();

        Assert.False(decoder.TryDecode([5, 0x80], 1, out _));
        Assert.False(decoder.TryDecode(Event(16, true, 400), 2, out _));
    }
}
