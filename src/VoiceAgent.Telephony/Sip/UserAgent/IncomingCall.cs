using System.Net;
using System.Text;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// One inbound call as the host sees it: the offer, and the few things it can do (ring, answer,
/// reject, hang up). <see cref="Completion"/> says when and why the call ended.
/// </summary>
public sealed class IncomingCall : SipCall
{
    private readonly InviteServerTransaction _transaction;
    private readonly TaskCompletionSource _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _finalSent;

    internal IncomingCall(IDialogChannel channel, SipRequest invite, InviteServerTransaction transaction, SipDialog dialog, Transport.SipHop remote)
        : base(channel, remote, null)
    {
        Invite = invite;
        _transaction = transaction;
        Dialog = dialog;
        RemoteSdp = Encoding.UTF8.GetString(invite.Body.Span);
    }

    public override string CallId => Dialog.CallId;

    /// <summary>The From header as received.</summary>
    public string From => Invite.From ?? string.Empty;

    /// <summary>The To header as received.</summary>
    public string To => Invite.To ?? string.Empty;

    public string RequestUri => Invite.RequestUri;

    /// <summary>The SDP offer (may be empty: an offer-less INVITE).</summary>
    public string RemoteSdp { get; }



    internal SipRequest Invite { get; }

    /// <summary>The session timer the INVITE asked for (RFC 4028), confirmed in our 2xx.</summary>
    internal SessionTimerTerms? TimerTerms { get; init; }

    internal SipDialog Dialog { get; }

    internal override SipDialog CurrentDialog => Dialog;

    internal string InviteTransactionKey => _transaction.Key;

    /// <summary>Sends 180 Ringing.</summary>
    public Task RingAsync() => Respond(180, null).AsTask();

    /// <summary>
    /// Sends 200 OK with <paramref name="sdpAnswer"/> and retransmits it (T1 doubling to T2) until the
    /// ACK arrives (RFC 3261 §13.3.1.4). Returns false when no ACK came within 64*T1; the call is then
    /// ended with BYE.
    /// </summary>
    public async Task<bool> AnswerAsync(string sdpAnswer, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _finalSent, 1) == 1)
        {
            return false;
        }

        LocalSdp = sdpAnswer;
        var ok = DialogLayer.CreateResponse(this, 200, Encoding.UTF8.GetBytes(sdpAnswer));
        await _transaction.SendResponseAsync(ok).ConfigureAwait(false);

        var timers = DialogLayer.Timers;
        var interval = timers.T1;
        var waited = TimeSpan.Zero;
        while (!_acknowledged.Task.IsCompleted && !Ended.IsCancellationRequested)
        {
            if (waited >= timers.TimeoutInterval)
            {
                DialogLayer.OnAckTimeout(this);
                await HangupCoreAsync(CallEndReason.AckTimeout, cancellationToken).ConfigureAwait(false);
                return false;
            }

            await Task.WhenAny(_acknowledged.Task, Task.Delay(interval, DialogLayer.Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            waited += interval;
            if (!_acknowledged.Task.IsCompleted)
            {
                await DialogLayer.SendResponseAsync(this, ok).ConfigureAwait(false);
                interval = timers.NextRetransmitInterval(interval);
            }
        }

        if (_acknowledged.Task.IsCompleted && TimerTerms is { } terms)
        {
            DialogLayer.StartSessionTimer(this, new SessionTimer(TimeSpan.FromSeconds(terms.Seconds), weRefresh: terms.Refresher == "uas", DialogLayer.Time));
        }

        return _acknowledged.Task.IsCompleted;
    }

    /// <summary>Sends a final non-2xx response; the call ends as Rejected.</summary>
    public async Task RejectAsync(int status, string? reason, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _finalSent, 1) == 1)
        {
            return;
        }

        await Respond(status, reason).ConfigureAwait(false);
        End(CallEndReason.Rejected);
    }

    /// <summary>Ends an answered call with BYE and waits for its response (or timer F); before the answer, 480.</summary>
    public override Task HangupAsync(CancellationToken cancellationToken) => HangupCoreAsync(CallEndReason.LocalHangup, cancellationToken);

    private async Task HangupCoreAsync(CallEndReason reason, CancellationToken cancellationToken)
    {
        if (Completion.IsCompleted)
        {
            return;
        }

        if (Volatile.Read(ref _finalSent) == 0)
        {
            await RejectAsync(480, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        End(reason);
        await DialogLayer.SendByeAsync(this, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask Respond(int status, string? reason)
    {
        var response = DialogLayer.CreateResponse(this, status, default, reason);
        return _transaction.SendResponseAsync(response);
    }

    /// <summary>The ACK for our 2xx arrived.</summary>
    private protected override void OnAck() => _acknowledged.TrySetResult();

    /// <summary>CANCEL before our final response: 487 for the INVITE (RFC 3261 §9.2).</summary>
    internal async ValueTask OnCancelAsync()
    {
        if (Interlocked.Exchange(ref _finalSent, 1) == 1)
        {
            return; // already answered: the CANCEL has no effect on the call.
        }

        await Respond(487, null).ConfigureAwait(false);
        End(CallEndReason.Cancelled);
    }

    private protected override void Forget() => DialogLayer.Forget(this);
}
