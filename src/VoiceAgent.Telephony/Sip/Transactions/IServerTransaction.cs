using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>A server transaction as the transaction table sees it.</summary>
internal interface IServerTransaction
{
    string Key { get; }

    /// <summary>The request arrived again (RFC 3261 §17.2.1/§17.2.2: resend the last response).</summary>
    void OnRequestRetransmission();

    ValueTask SendResponseAsync(SipResponse response);
}
