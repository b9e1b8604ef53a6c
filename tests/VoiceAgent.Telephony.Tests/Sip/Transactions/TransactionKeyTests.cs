using VoiceAgent.Telephony.Sip.Transactions;
using static VoiceAgent.Telephony.Tests.Sip.Transactions.TransactionTestMessages;

namespace VoiceAgent.Telephony.Tests.Sip.Transactions;

/// <summary>RFC 3261 §17.2.3 matching.</summary>
public sealed class TransactionKeyTests
{
    [Fact]
    public void Ack_matches_the_invite_it_acknowledges()
        => Assert.Equal(TransactionKey.ForRequest(Request("INVITE")), TransactionKey.ForRequest(Request("ACK")));

    [Fact]
    public void Cancel_has_its_own_transaction_but_points_at_the_invite()
    {
        var cancel = Request("CANCEL");

        Assert.NotEqual(TransactionKey.ForRequest(Request("INVITE")), TransactionKey.ForRequest(cancel));
        Assert.Equal(TransactionKey.ForRequest(Request("INVITE")), TransactionKey.ForCancelledInvite(cancel));
    }

    [Fact]
    public void Different_branches_are_different_transactions()
        => Assert.NotEqual(TransactionKey.ForRequest(Request("OPTIONS", "z9hG4bKa")), TransactionKey.ForRequest(Request("OPTIONS", "z9hG4bKb")));

    [Fact]
    public void Rfc_2543_requests_without_the_magic_cookie_match_on_call_id_cseq_and_tags()
    {
        var first = TransactionKey.ForRequest(Request("INVITE", "oldstyle1"));

        Assert.StartsWith("2543|", first, StringComparison.Ordinal);
        Assert.Equal(first, TransactionKey.ForRequest(Request("INVITE", "oldstyle1")));
        Assert.Equal(first, TransactionKey.ForRequest(Request("ACK", "oldstyle1")));
    }
}
