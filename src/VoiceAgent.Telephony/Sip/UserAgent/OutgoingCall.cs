using System.Net;
using System.Text;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// One call we placed (the UAC side, RFC 3261 §13.2): its progress (ringing), its outcome
/// (answered, busy, no-answer, rejected, failed, cancelled with the SIP code), and once answered the
/// callee's SDP answer and a dialog we can hang up.
/// </summary>
public sealed class OutgoingCall : SipCall
{
    private readonly TaskCompletionSource<bool> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ringing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _earlyMedia = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandon = new();
    private SipDialog? _dialog;
    private SipRequest? _ack;

    /// <param name="transport">The transport of the INVITE's Via; the address is filled in by <see cref="RouteTo"/> once its next hop resolves.</param>
    internal OutgoingCall(IDialogChannel channel, SipRequest invite, SipTransportKind transport, string localSdp)
        : base(channel, new SipHop(new IPEndPoint(IPAddress.None, 0), transport), localSdp)
    {
        Invite = invite;
    }

    /// <summary>Where the INVITE goes (its transport may have moved to TCP for size, RFC 3261 §18.1.1).</summary>
    internal void RouteTo(SipHop hop)
    {
        RemoteEndPoint = hop.EndPoint;
        Transport = hop.Transport;
    }

    public override string CallId => Invite.CallId ?? string.Empty;

    public string From => Invite.From ?? string.Empty;

    public string To => Invite.To ?? string.Empty;

    /// <summary>The callee's SDP answer, once answered.</summary>
    public string? RemoteSdp { get; private set; }


    /// <summary>Completes with true on a 2xx, false when the call was not answered (see <see cref="Outcome"/>).</summary>
    public Task<bool> Answered => _answered.Task;

    /// <summary>Completes on the first 180/183.</summary>
    public Task Ringing => _ringing.Task;

    /// <summary>
    /// The SDP of the first provisional response that carries one (a 183 Session Progress with early
    /// media: ringback or a network announcement). Without 100rel it is the answer to our offer
    /// (RFC 3261 §13.2.1, RFC 3262), and the 2xx repeats it. Never completes when no such response came.
    /// </summary>
    public Task<string> EarlyMedia => _earlyMedia.Task;

    /// <summary><c>calling</c>, then <c>answered</c>, <c>busy</c>, <c>no-answer</c>, <c>rejected</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Outcome { get; private set; } = "calling";

    /// <summary>The final SIP status (200 when answered), or 408 when nothing answered at all.</summary>
    public int? StatusCode { get; private set; }


    /// <summary>The INVITE now in flight (a new one, with credentials, after a 401/407).</summary>
    internal SipRequest Invite { get; set; }

    internal CancellationToken Abandoned => _abandon.Token;

    internal override SipDialog CurrentDialog => _dialog!;

    internal SipDialog? Dialog => _dialog;

    /// <summary>Before an answer: CANCEL (outcome cancelled). After: BYE.</summary>
    public override async Task HangupAsync(CancellationToken cancellationToken)
    {
        if (Completion.IsCompleted)
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
        await DialogLayer.SendByeAsync(this, cancellationToken).ConfigureAwait(false);
    }

    internal void OnProvisional(SipResponse response)
    {
        if (response.StatusCode is 180 or 183)
        {
            _ringing.TrySetResult();
        }

        if (response.StatusCode > 100 && response.Body.Length > 0
            && string.Equals(response.ContentType, "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            _earlyMedia.TrySetResult(Encoding.UTF8.GetString(response.Body.Span));
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
        End(CallEndReason.NotAnswered);
    }

    /// <summary>The ACK for our 2xx, sent again when the 2xx is retransmitted (§13.2.2.4).</summary>
    internal SipRequest? Ack => _ack;

    /// <summary>Where the ACK went (retransmitted 2xx responses get it again there).</summary>
    internal SipHop? AckHop { get; set; }

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

    private protected override void Forget() => DialogLayer.Forget(this);
}
