using System.Net;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Telephony.Tests.Media;

/// <summary>Strict RTP source learning: the SDP address at once, a new source after in-sequence probation, nobody else once latched.</summary>
public sealed class RtpSourceFilterTests
{
    private static readonly IPEndPoint Signalled = new(IPAddress.Parse("127.0.0.2"), 20000);
    private static readonly IPEndPoint Nat = new(IPAddress.Parse("127.0.0.3"), 40000);
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("127.0.0.66"), 5000);

    private static RtpSourceVerdict[] Send(RtpSourceFilter filter, IPEndPoint from, uint ssrc, int firstSequence, int count)
        => [.. Enumerable.Range(firstSequence, count).Select(seq => filter.Admit(from.Serialize(), ssrc, (ushort)seq))];

    [Fact]
    public void The_signalled_address_is_accepted_at_once()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);

        Assert.Equal([RtpSourceVerdict.Latched, RtpSourceVerdict.Accepted], Send(filter, Signalled, 1, 100, 2));
        Assert.Equal(Signalled.Serialize(), filter.Latched);
    }

    [Fact]
    public void A_new_source_is_learned_after_four_in_sequence_packets_while_nothing_is_latched()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);

        var verdicts = Send(filter, Nat, 7, 65534, 5); // across the sequence wrap

        Assert.Equal([RtpSourceVerdict.Learning, RtpSourceVerdict.Learning, RtpSourceVerdict.Learning, RtpSourceVerdict.Latched, RtpSourceVerdict.Accepted], verdicts);
        Assert.Equal(Nat.Serialize(), filter.Latched);
        Assert.Equal(RtpSourceFilter.Probation, Array.IndexOf(verdicts, RtpSourceVerdict.Latched) + 1);
    }

    [Fact]
    public void A_gap_a_new_ssrc_or_another_source_restarts_the_probation()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);

        Send(filter, Nat, 7, 1, 3);
        Assert.Equal(RtpSourceVerdict.Learning, filter.Admit(Nat.Serialize(), 7, 5)); // 4 skipped: starts again at 5
        Send(filter, Nat, 7, 6, 1);
        Assert.Equal(RtpSourceVerdict.Learning, filter.Admit(Nat.Serialize(), 8, 7)); // new SSRC: starts again
        Send(filter, Nat, 8, 8, 1);
        Assert.Equal(RtpSourceVerdict.Learning, filter.Admit(Attacker.Serialize(), 8, 9)); // another source: starts again

        Assert.Null(filter.Latched);
    }

    [Fact]
    public void Once_latched_every_other_source_is_rejected_even_in_sequence()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);
        Send(filter, Signalled, 1, 1, 1);

        Assert.All(Send(filter, Attacker, 1, 2, 50), v => Assert.Equal(RtpSourceVerdict.Rejected, v));
        Assert.All(Send(filter, Nat, 9, 1, 10), v => Assert.Equal(RtpSourceVerdict.Rejected, v));
        Assert.Equal(Signalled.Serialize(), filter.Latched);
    }

    [Fact]
    public void The_signalled_address_takes_the_stream_back_from_a_learned_source()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);
        Send(filter, Attacker, 3, 1, 4); // won the race before the phone's first packet

        Assert.Equal(RtpSourceVerdict.Latched, filter.Admit(Signalled.Serialize(), 1, 500));
        Assert.Equal(RtpSourceVerdict.Rejected, filter.Admit(Attacker.Serialize(), 3, 5));
        Assert.Equal(Signalled.Serialize(), filter.Latched);
    }

    [Fact]
    public void A_new_signalled_address_starts_learning_again()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);
        Send(filter, Signalled, 1, 1, 1);
        var moved = new IPEndPoint(IPAddress.Parse("127.0.0.4"), 30000);

        filter.Signal(moved);

        Assert.Equal(RtpSourceVerdict.Learning, filter.Admit(Signalled.Serialize(), 1, 2)); // the old address is now a stranger
        Assert.Equal(RtpSourceVerdict.Latched, filter.Admit(moved.Serialize(), 1, 3));
        Assert.Equal(moved.Serialize(), filter.Latched);
    }

    [Fact]
    public void A_source_of_the_other_address_family_can_still_be_learned()
    {
        var filter = new RtpSourceFilter(Signalled, strict: true);
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.3"), 40000); // a dual-stack socket's view of an IPv4 peer

        var verdicts = Send(filter, mapped, 7, 1, RtpSourceFilter.Probation);

        Assert.Equal(RtpSourceVerdict.Latched, verdicts[^1]);
        Assert.Equal(mapped.Serialize(), filter.Latched);
    }

    [Fact]
    public void Without_strict_source_the_first_packet_latches_and_every_source_is_accepted()
    {
        var filter = new RtpSourceFilter(Signalled, strict: false);

        Assert.Equal(RtpSourceVerdict.Latched, filter.Admit(Attacker.Serialize(), 1, 1));
        Assert.Equal(RtpSourceVerdict.Accepted, filter.Admit(Nat.Serialize(), 2, 77));
        Assert.Equal(Attacker.Serialize(), filter.Latched);
    }
}
