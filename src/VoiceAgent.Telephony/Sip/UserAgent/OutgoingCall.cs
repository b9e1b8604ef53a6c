using System.Net;
using System.Text;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// One call we placed (the UAC side, RFC 3261 §13.2): its progress (ringing), its outcome
/// (answered, busy, no-answer, rejected, failed, cancelled with the SIP code), and once answered the
/// callee's SDP answer and a dialog we can hang up.
/// </summary>
public sealed class OutgoingCall : IDialogCall, ISipCall
{
    private readonly SipUserAgent _agent;
    private readonly TaskCompletionSource<bool> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ringing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<CallEndReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();
    private readonly System.Threading.Channels.Channel<Rtp.DtmfDigit> _infoDigits = System.Threading.Channels.Channel.CreateBounded<Rtp.DtmfDigit>(
        new System.Threading.Channels.BoundedChannelOptions(64) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _abandon = new();
    private SipDialog? _dialog;
    private SipRequest? _ack;

    internal OutgoingCall(SipUserAgent agent, SipRequest invite, IPEndPoint nextHop, string localSdp)
    {
        _agent = agent;
        Invite = invite;
        RemoteEndPoint = nextHop;
        LocalSdp = localSdp;
    }

    public string CallId => Invite.CallId ?? string.Empty;

    public string From => Invite.From ?? string.Empty;

    public string To => Invite.To ?? string.Empty;

    /// <summary>The callee's SDP answer, once answered.</summary>
    public string? RemoteSdp { get; private set; }

    public string? LocalSdp { get; private set; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Completes with true on a 2xx, false when the call was not answered (see <see cref="Outcome"/>).</summary>
    public Task<bool> Answered => _answered.Task;

    /// <summary>Completes on the first 180/183.</summary>
    public Task Ringing => _ringing.Task;

    /// <summary><c>calling</c>, then <c>answered</c>, <c>busy</c>, <c>no-answer</c>, <c>rejected</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Outcome { get; private set; } = "calling";

    /// <summary>The final SIP status (200 when answered), or 408 when nothing answered at all.</summary>
    public int? StatusCode { get; private set; }

    public Task<CallEndReason> Completion => _completion.Task;

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

    /// <summary>The INVITE now in flight (a new one, with credentials, after a 401/407).</summary>
    internal SipRequest Invite { get; set; }

    internal CancellationToken Abandoned => _abandon.Token;

    SipDialog IDialogCall.Dialog => _dialog!;

    internal SipDialog? Dialog => _dialog;

    /// <summary>Before an answer: CANCEL (outcome cancelled). After: BYE.</summary>
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        if (!_answered.Task.IsCompleted)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _answered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!_answered.Task.Result)
            {
                return;
            }
        }

        End(CallEndReason.LocalHangup);
        await _agent.SendByeAsync(this, cancellationToken).ConfigureAwait(false);
    }

    internal void OnProvisional(SipResponse response)
    {
        if (response.StatusCode is 180 or 183)
        {
            _ringing.TrySetResult();
        }
    }

    internal void OnAnswered(SipResponse ok, SipDialog dialog, SipRequest ack)
    {
        _dialog = dialog;
        _ack = ack;
        RemoteSdp = Encoding.UTF8.GetString(ok.Body.Span);
        StatusCode = ok.StatusCode;
        Outcome = "answered";
        _answered.TrySetResult(true);
    }

    internal void OnNotAnswered(int statusCode, string outcome)
    {
        StatusCode = statusCode;
        Outcome = outcome;
        _answered.TrySetResult(false);
        if (_completion.TrySetResult(CallEndReason.NotAnswered))
        {
            _ended.Cancel();
        }
    }

    /// <summary>The ACK for our 2xx, sent again when the 2xx is retransmitted (§13.2.2.4).</summary>
    internal SipRequest? Ack => _ack;

    /// <summary>Maps a final non-2xx (RFC 3261 §21) to the outcome applications see.</summary>
    internal static string OutcomeOf(int status, bool cancelledByUs, bool ringTimeout) => status switch
    {
        487 when ringTimeout => "no-answer",
        487 when cancelledByUs => "cancelled",
        486 or 600 => "busy",
        408 or 480 => "no-answer",
        403 or 404 or 410 or 484 or 603 or 604 => "rejected",
        _ => "failed",
    };

    void IDialogCall.OnRemoteBye() => End(CallEndReason.RemoteHangup);

    void IDialogCall.OnAck()
    {
        // ACKs are ours to send on this side.
    }

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
