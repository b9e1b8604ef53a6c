namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>RFC 3261 §17.2.1 (Figure 7) with the Accepted state of RFC 6026 §7.1.</summary>
internal enum InviteServerTransactionState
{
    Proceeding,
    Accepted,
    Completed,
    Confirmed,
    Terminated,
}
