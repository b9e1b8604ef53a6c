using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// Server transaction matching (RFC 3261 §17.2.3): branch + sent-by + method, with ACK matching
/// the INVITE it acknowledges; CANCEL has its own transaction. Requests without the magic-cookie
/// branch (RFC 2543 peers) fall back to Call-ID, CSeq number, From tag and the top Via.
/// </summary>
internal static class TransactionKey
{
    public static string? ForRequest(SipRequest request) => For(request, request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method);

    /// <summary>The key of the INVITE transaction a CANCEL refers to (§9.2: same branch as the INVITE).</summary>
    public static string? ForCancelledInvite(SipRequest cancel) => For(cancel, SipMethods.Invite);

    private static string? For(SipRequest request, string method)
    {
        if (request.TopVia is not { } topVia || !SipVia.TryParse(topVia, out var via))
        {
            return null;
        }

        if (via!.HasMagicCookieBranch)
        {
            return $"{via.Branch}|{via.Host}:{via.Port}|{method}";
        }

        SipNameAddress.TryParse(request.From ?? string.Empty, out var from);
        SipCSeq.TryParse(request.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        return $"2543|{request.CallId}|{cseq.Number}|{from?.Tag}|{via.Host}:{via.Port}|{via.Branch}|{method}";
    }
}
