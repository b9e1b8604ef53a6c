using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Rtp;

public sealed class RtpJitterBufferTests
{
    private static List<string> Feed(RtpJitterBuffer buffer, params ushort[] sequences)
    {
        var played = new List<string>();
        var scratch = new byte[16];
        foreach (var sequence in sequences)
        {
            buffer.Push(sequence, [(byte)sequence]);
            while (buffer.TryPop(scratch, out var length, out var lost))
            {
                played.Add(lost ? "lost" : scratch[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(lost ? 0 : 1, length);
            }
        }

        return played;
    }

    [Fact]
    public void In_order_packets_pass_straight_through()
        => Assert.Equal(["1", "2", "3"], Feed(new RtpJitterBuffer(), 1, 2, 3));

    [Fact]
    public void A_reordered_packet_is_played_in_sequence()
        => Assert.Equal(["1", "2", "3", "4"], Feed(new RtpJitterBuffer(), 1, 3, 2, 4));

    [Fact]
    public void Duplicates_and_late_packets_are_dropped()
    {
        var buffer = new RtpJitterBuffer();

        Assert.Equal(["1", "2", "3"], Feed(buffer, 1, 2, 2, 1, 3));
        Assert.Equal(2, buffer.Dropped);
    }

    [Fact]
    public void A_missing_packet_is_declared_lost_once_the_window_fills()
    {
        var buffer = new RtpJitterBuffer(depth: 4);

        Assert.Equal(["1", "lost", "3", "4", "5"], Feed(buffer, 1, 3, 4, 5));
        Assert.Equal(1, buffer.Concealed);
    }

    [Fact]
    public void Sequence_numbers_wrap_around()
        => Assert.Equal(["254", "255", "0", "1"], Feed(new RtpJitterBuffer(), 65534, 65535, 0, 1).Select(s => s).ToList());

    [Fact]
    public void The_depth_must_be_a_power_of_two()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new RtpJitterBuffer(depth: 3));
}
