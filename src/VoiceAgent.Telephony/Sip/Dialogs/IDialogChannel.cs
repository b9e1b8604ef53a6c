using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>What a call needs of the dialog layer: its responses and requests inside the dialog, its session timer, and being forgotten when it ends.</summary>
internal interface IDialogChannel
{
    TimeProvider Time { get; }

    SipTimerOptions Timers { get; }

    /// <summary>A response to the call's INVITE (§12.1.1: Record-Route, our Contact; a 2xx with Allow, Supported and the session timer).</summary>
    SipResponse CreateResponse(IncomingCall call, int status, ReadOnlyMemory<byte> body, string? reason = null);

    /// <summary>Sends a response to the call's INVITE outside its transaction (a retransmitted 2xx, §13.3.1.4).</summary>
    ValueTask SendResponseAsync(IncomingCall call, SipResponse response);

    void OnAckTimeout(IncomingCall call);

    /// <summary>BYE inside the call's dialog, waiting for its response or timer F.</summary>
    Task SendByeAsync(IDialogCall call, CancellationToken cancellationToken);

    /// <summary>REFER inside the call's dialog (RFC 3515): the final status of the transfer.</summary>
    Task<int> TransferAsync(IDialogCall call, string target, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Runs the call's session timer (RFC 4028) until it ends.</summary>
    void StartSessionTimer(IDialogCall call, SessionTimer timer);

    void Forget(IncomingCall call);

    void Forget(OutgoingCall call);
}
