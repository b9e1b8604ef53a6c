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
public sealed class IncomingCall : IDialogCall, ISipCall
{
    private readonly SipUserAgent _agent;
    private readonly InviteServerTransaction _transaction;
    private readonly TaskCompletionSource _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<CallEndReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();
    private readonly System.Threading.Channels.Channel<Rtp.DtmfDigit> _infoDigits = System.Threading.Channels.Channel.CreateBounded<Rtp.DtmfDigit>(
        new System.Threading.Channels.BoundedChannelOptions(64) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
    private SipResponse? _answer;
    private int _finalSent;

    internal IncomingCall(SipUserAgent agent, SipRequest invite, InviteServerTransaction transaction, SipDialog dialog, IPEndPoint remote)
    {
        _agent = agent;
        Invite = invite;
        _transaction = transaction;
        Dialog = dialog;
        RemoteEndPoint = remote;
        RemoteSdp = Encoding.UTF8.GetString(invite.Body.Span);
    }

    public string CallId => Dialog.CallId;

    /// <summary>The From header as received.</summary>
    public string From => Invite.From ?? string.Empty;

    /// <summary>The To header as received.</summary>
    public string To => Invite.To ?? string.Empty;

    public string RequestUri => Invite.RequestUri;

    /// <summary>The SDP offer (may be empty: an offer-less INVITE).</summary>
    public string RemoteSdp { get; }

    /// <summary>Where the INVITE came from.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    public Task<CallEndReason> Completion => _completion.Task;

    /// <summary>Cancelled when the call ends for any reason.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Keys the peer sent as SIP INFO (application/dtmf-relay or application/dtmf) rather than in RTP.</summary>
    public System.Threading.Channels.ChannelReader<Rtp.DtmfDigit> InfoDigits => _infoDigits.Reader;

    void IDialogCall.OnInfoDigit(Rtp.DtmfDigit digit) => _infoDigits.Writer.TryWrite(digit);

    ReferSubscription? IDialogCall.Refer { get; set; }

    SessionTimer? IDialogCall.Timer { get; set; }

    public Func<string, string?>? SessionUpdateHandler { get; set; }

    void IDialogCall.UpdateLocalSdp(string sdp) => LocalSdp = sdp;

    public Task<int> TransferAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
        => _agent.TransferAsync(this, target, timeout, cancellationToken);

    /// <summary>The local SDP we answered with (for re-INVITE refreshes).</summary>
    public string? LocalSdp { get; private set; }

    internal SipRequest Invite { get; }

    /// <summary>The session timer the INVITE asked for (RFC 4028), confirmed in our 2xx.</summary>
    internal SessionTimerTerms? TimerTerms { get; init; }

    internal SipDialog Dialog { get; }

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
        var ok = _agent.CreateResponse(this, 200, Encoding.UTF8.GetBytes(sdpAnswer));
        _answer = ok;
        await _transaction.SendResponseAsync(ok).ConfigureAwait(false);

        var timers = _agent.Options.Timers;
        var interval = timers.T1;
        var waited = TimeSpan.Zero;
        while (!_acknowledged.Task.IsCompleted && !_ended.IsCancellationRequested)
        {
            if (waited >= timers.TimeoutInterval)
            {
                _agent.OnAckTimeout(this);
                await HangupCoreAsync(CallEndReason.AckTimeout, cancellationToken).ConfigureAwait(false);
                return false;
            }

            await Task.WhenAny(_acknowledged.Task, Task.Delay(interval, _agent.Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            waited += interval;
            if (!_acknowledged.Task.IsCompleted)
            {
                await _agent.SendResponseAsync(this, ok).ConfigureAwait(false);
                interval = timers.NextRetransmitInterval(interval);
            }
        }

        if (_acknowledged.Task.IsCompleted && TimerTerms is { } terms)
        {
            _agent.StartSessionTimer(this, new SessionTimer(TimeSpan.FromSeconds(terms.Seconds), weRefresh: terms.Refresher == "uas", _agent.Time));
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

    /// <summary>Ends an answered call with BYE and waits for its response (or timer F).</summary>
    public Task HangupAsync(CancellationToken cancellationToken) => HangupCoreAsync(CallEndReason.LocalHangup, cancellationToken);

    private async Task HangupCoreAsync(CallEndReason reason, CancellationToken cancellationToken)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        if (Volatile.Read(ref _finalSent) == 0)
        {
            await RejectAsync(480, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        End(reason);
        await _agent.SendByeAsync(this, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask Respond(int status, string? reason)
    {
        var response = _agent.CreateResponse(this, status, default, reason);
        return _transaction.SendResponseAsync(response);
    }

    /// <summary>The ACK for our 2xx arrived.</summary>
    internal void OnAck() => _acknowledged.TrySetResult();

    internal void OnRemoteBye() => End(CallEndReason.RemoteHangup);

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

    /// <summary>A re-INVITE inside the dialog: answer with the same session (a session refresh).</summary>
    internal SipResponse? CurrentAnswer => _answer;

    SipDialog IDialogCall.Dialog => Dialog;

    void IDialogCall.OnRemoteBye() => OnRemoteBye();

    void IDialogCall.OnAck() => OnAck();

    void IDialogCall.End(CallEndReason reason) => End(reason);

    internal void End(CallEndReason reason)
    {
        if (_completion.TrySetResult(reason))
        {
            _ended.Cancel();
            _agent.Forget(this);
        }
    }
}
