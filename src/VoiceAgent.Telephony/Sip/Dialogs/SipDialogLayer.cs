using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>
/// The dialog layer's side of a call (RFC 3261 §12, §13.3, §15): our responses to its INVITE, our
/// requests inside its dialog (BYE, REFER of RFC 3515) over non-INVITE client transactions, its
/// session timer, and forgetting it when it ends.
/// </summary>
internal sealed class SipDialogLayer : IDialogChannel
{
    private readonly DialogTable _dialogs;
    private readonly SipTransactionLayer _transactions;
    private readonly SipLocalAddress _local;
    private readonly ChallengeAnswerer _challenges;
    private readonly Action<IncomingCall> _incomingEnded;
    private readonly ILogger _logger;

    public SipDialogLayer(DialogTable dialogs, SipTransactionLayer transactions, SipLocalAddress local, SipTimerOptions timers, ChallengeAnswerer challenges, Action<IncomingCall> incomingEnded, ILogger logger)
    {
        _dialogs = dialogs;
        _transactions = transactions;
        _local = local;
        Timers = timers;
        _challenges = challenges;
        _incomingEnded = incomingEnded;
        _logger = logger;
        SessionTimers = new SessionTimerScheduler(this, transactions, local, challenges, logger);
    }

    public TimeProvider Time => _transactions.Time;

    public SipTimerOptions Timers { get; }

    public SessionTimerScheduler SessionTimers { get; }

    /// <summary>REFER inside the call's dialog, then the NOTIFYs of its implicit subscription (RFC 3515).</summary>
    public async Task<int> TransferAsync(IDialogCall call, string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (refer, branch, hop) = await CreateInDialogRequestAsync(call, SipMethods.Refer, cancellationToken).ConfigureAwait(false);
        refer.Headers.Add(SipHeaderNames.ReferTo, $"<{target}>");
        refer.Headers.Add(SipHeaderNames.ReferredBy, $"<{call.Dialog.LocalUri}>");
        refer.Headers.Add(SipHeaderNames.Contact, _local.OwnContact(hop.Transport));
        var subscription = new ReferSubscription();
        call.Refer = subscription;
        var response = await SendInDialogAsync(call, refer, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccess)
        {
            var status = response?.StatusCode ?? 408;
            subscription.Abandon(status);
            TelephonyLog.TransferFailed(_logger, call.Dialog.CallId, target, status);
            return status;
        }

        try
        {
            var final = await subscription.Final.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            TelephonyLog.TransferDone(_logger, call.Dialog.CallId, target, final);
            return final;
        }
        catch (TimeoutException)
        {
            return 408;
        }
    }

    public async Task SendByeAsync(IDialogCall call, CancellationToken cancellationToken)
    {
        var (bye, branch, hop) = await CreateInDialogRequestAsync(call, SipMethods.Bye, cancellationToken).ConfigureAwait(false);
        var response = await SendInDialogAsync(call, bye, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.IsSuccess)
        {
            TelephonyLog.ByeUnanswered(_logger, call.Dialog.CallId, response is null ? "timeout" : response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A request in the call's dialog (§12.2.1.1), and where it goes with which transport.</summary>
    public async Task<(SipRequest Request, string Branch, SipHop Hop)> CreateInDialogRequestAsync(IDialogCall call, string method, CancellationToken cancellationToken)
    {
        var hop = await NextHopInDialogAsync(call, cancellationToken).ConfigureAwait(false);
        var request = call.Dialog.CreateRequest(method, _local.Host, _local.Port, hop.Transport.ViaName(), out var branch);
        return (request, branch, hop);
    }

    /// <summary>Where our requests in the call's dialog go: the outbound proxy it was placed through, else the route set or remote target (§12.2.1.1).</summary>
    public async Task<SipHop> NextHopInDialogAsync(IDialogCall call, CancellationToken cancellationToken)
        => call.OutboundProxy ?? await call.Dialog.ResolveNextHopAsync(call.RemoteHop, _transactions.AddressFamily, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs a non-INVITE request in a dialog; a 401/407 (a proxy on the route that wants every request
    /// authenticated) is answered once with the call's credentials and the dialog's next CSeq (§22.2).
    /// </summary>
    public async Task<SipResponse?> SendInDialogAsync(IDialogCall call, SipRequest request, string branch, SipHop hop, CancellationToken cancellationToken)
    {
        hop = _transactions.Sender.MoveLargeRequestToTcp(request, hop);
        var response = await _transactions.SendRequestAsync(request, branch, hop, cancellationToken).ConfigureAwait(false);
        if (response is { StatusCode: 401 or 407 } && TrunkCredentials(call, hop) is { } credentials
            && _challenges.Authorize(request, response, credentials, call.Dialog.NextCSeq()) is { } retry)
        {
            response = await _transactions.SendRequestAsync(retry.Invite, retry.Branch, hop, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>
    /// The call's trunk credentials when <paramref name="hop"/> goes to that trunk: the outbound proxy an
    /// outgoing call was placed through, or the registrar an incoming call came from. A request the
    /// dialog sends elsewhere (a Contact or route the peer chose) never answers a challenge with them.
    /// </summary>
    public static DigestCredentials? TrunkCredentials(IDialogCall call, SipHop hop)
    {
        if (call.Credentials is not { } credentials)
        {
            return null;
        }

        var trunk = call is OutgoingCall ? call.OutboundProxy?.EndPoint.Address : call.RemoteEndPoint.Address;
        return trunk is not null && trunk.Equals(hop.EndPoint.Address) ? credentials : null;
    }

    public SipResponse CreateResponse(IncomingCall call, int status, ReadOnlyMemory<byte> body, string? reason = null)
    {
        var response = SipResponseFactory.Create(call.Invite, status, reason ?? SipResponseFactory.ReasonPhrase(status), call.Dialog.LocalTag);
        if (status is > 100 and < 300)
        {
            // §12.1.1: the UAS copies Record-Route into responses that establish the dialog and gives its Contact.
            foreach (var recordRoute in call.Invite.Headers.GetAll(SipHeaderNames.RecordRoute))
            {
                response.Headers.Add(SipHeaderNames.RecordRoute, recordRoute);
            }

            response.Headers.Add(SipHeaderNames.Contact, _local.OwnContact(call.Transport));
        }

        if (status is >= 200 and < 300)
        {
            response.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
            response.Headers.Add(SipHeaderNames.Supported, "timer");
            if (call.TimerTerms is { } terms)
            {
                SessionTimerNegotiation.AddSessionExpires(response, terms);
            }
        }

        if (!body.IsEmpty)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = body;
        }

        return response;
    }

    public ValueTask SendResponseAsync(IncomingCall call, SipResponse response)
        => _transactions.Sender.SendQuietlyAsync(response, TransportSender.DestinationOf(call.RemoteEndPoint, call.Transport));

    public void OnAckTimeout(IncomingCall call) => TelephonyLog.AckTimeout(_logger, call.CallId);

    public void StartSessionTimer(IDialogCall call, SessionTimer timer) => SessionTimers.Start(call, timer);

    public void Forget(IncomingCall call)
    {
        _incomingEnded(call);
        _dialogs.Remove(call);
    }

    public void Forget(OutgoingCall call) => _dialogs.Remove(call);
}
