using System.Net;
using System.Threading.Channels;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// What every call has, whichever side placed it: how it ended, the keys sent in SIP INFO, the
/// session it answers re-offers with, transfer, and the dialog state the user channel keeps
/// (a REFER subscription, a session timer).
/// </summary>
public abstract class SipCall : IDialogCall, ISipCall
{
    private readonly TaskCompletionSource<CallEndReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();
    private static readonly System.Diagnostics.Metrics.Counter<long> InfoDigitsDropped = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.info_digits.dropped", "{digit}", "SIP INFO digits dropped because the call's 64-digit queue was full (the oldest go).");

    // 64 digits, DropOldest (counted): a peer's INFO requests never wait on a script that does not read.
    private readonly Channel<DtmfDigit> _infoDigits = Channel.CreateBounded<DtmfDigit>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest }, _ => InfoDigitsDropped.Add(1));
    private readonly DialogInfoLimiter _infoLimiter;

    private protected SipCall(IDialogChannel channel, SipHop remote, string? localSdp)
    {
        DialogLayer = channel;
        _infoLimiter = new DialogInfoLimiter(channel.Time);
        RemoteEndPoint = remote.EndPoint;
        Transport = remote.Transport;
        LocalSdp = localSdp;
    }

    public abstract string CallId { get; }

    /// <summary>Where the peer's requests come from, or where ours go first.</summary>
    public IPEndPoint RemoteEndPoint { get; private protected set; }

    /// <summary>The transport the call was set up over; in-dialog requests keep it unless the peer's URI names another.</summary>
    public SipTransportKind Transport { get; private protected set; }

    internal SipHop RemoteHop => new(RemoteEndPoint, Transport);

    SipHop IDialogCall.RemoteHop => RemoteHop;

    /// <summary>
    /// The outbound proxy the INVITE went to, or null when it went to the target's own host. Like
    /// most user agents' "outbound proxy" (the pre-loaded route of RFC 3261 §8.1.2, RFC 5626), the
    /// trunk then carries every request of the call, also when it does not record-route.
    /// </summary>
    internal SipHop? OutboundProxy { get; set; }

    SipHop? IDialogCall.OutboundProxy => OutboundProxy;

    DigestCredentials? IDialogCall.Credentials => Credentials;

    /// <summary>Answers 401/407 challenges to our requests inside the dialog (the trunk's account), or null.</summary>
    internal DigestCredentials? Credentials { get; set; }

    /// <summary>Our current session description (what re-INVITEs that only refresh get again).</summary>
    public string? LocalSdp { get; private protected set; }

    public Task<CallEndReason> Completion => _completion.Task;

    /// <summary>Cancelled when the call ends for any reason.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Keys the peer sent as SIP INFO (application/dtmf-relay or application/dtmf) rather than in RTP.</summary>
    public ChannelReader<DtmfDigit> InfoDigits => _infoDigits.Reader;

    public Func<string, string?>? SessionUpdateHandler { get; set; }

    /// <summary>The dialog layer this call's requests and responses go through.</summary>
    private protected IDialogChannel DialogLayer { get; }

    public abstract Task HangupAsync(CancellationToken cancellationToken);

    public Task<int> TransferAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
        => DialogLayer.TransferAsync(this, target, timeout, cancellationToken);

    internal abstract SipDialog CurrentDialog { get; }

    SipDialog IDialogCall.Dialog => CurrentDialog;

    ReferSubscription? IDialogCall.Refer { get; set; }

    SessionTimer? IDialogCall.Timer { get; set; }

    void IDialogCall.OnInfoDigit(DtmfDigit digit) => _infoDigits.Writer.TryWrite(digit);

    /// <summary>INFO requests of this call refused because they came too fast (<see cref="DialogInfoLimiter"/>).</summary>
    public int InfoRequestsRefused => _infoLimiter.RefusedCount;

    Messages.SipResponse? IDialogCall.RefuseInfo(Messages.SipRequest request, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (_infoLimiter.TryAccept())
        {
            return null;
        }

        if (_infoLimiter.RefusedCount == 1)
        {
            TelephonyLog.InfoRateLimited(logger, CallId, DialogInfoLimiter.PerSecond);
        }

        // RFC 3261 §21.5.4: 503 with Retry-After fails this request only; the dialog and the call go on.
        var response = SipResponseFactory.Create(request, 503, SipResponseFactory.ReasonPhrase(503));
        response.Headers.Add(Messages.SipHeaderNames.RetryAfter, "1");
        return response;
    }

    void IDialogCall.UpdateLocalSdp(string sdp) => LocalSdp = sdp;

    void IDialogCall.OnRemoteBye() => End(CallEndReason.RemoteHangup);

    void IDialogCall.OnAck() => OnAck();

    void IDialogCall.End(CallEndReason reason) => End(reason);

    /// <summary>The ACK for our 2xx arrived (only the answering side waits for one).</summary>
    private protected virtual void OnAck()
    {
    }

    /// <summary>Ends the call once: completes <see cref="Completion"/>, cancels <see cref="Ended"/>, and lets the user channel forget it.</summary>
    internal void End(CallEndReason reason)
    {
        if (_completion.TrySetResult(reason))
        {
            _ended.Cancel();
            Forget();
        }
    }

    private protected abstract void Forget();
}
