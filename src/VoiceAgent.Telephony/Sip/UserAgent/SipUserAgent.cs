using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// The user agent (RFC 3261 §8, §12, §13, §15): reads the transport and routes each message between
/// the transaction layer (<see cref="SipTransactionLayer"/>), admission (<see cref="SipAdmission"/>)
/// and the dialog layer (<see cref="SipDialogLayer"/>, <see cref="InDialogRequestHandler"/>); hands
/// each new INVITE to the host's <see cref="IIncomingCallHandler"/> off the receive loop, and places
/// outgoing calls (<see cref="PlaceCall"/>, <see cref="OutgoingCallFlow"/>).
/// </summary>
public sealed class SipUserAgent
{
    private readonly ISipTransport _transport;
    private readonly IIncomingCallHandler _handler;
    private readonly ILogger _logger;
    private readonly SipRequestRules _rules = new();
    private readonly SipTransactionLayer _transactions;
    private readonly DialogTable _dialogs = new();
    private readonly SipDialogLayer _dialogLayer;
    private readonly InDialogRequestHandler _inDialog;
    private readonly RegistrationTable _registrations;
    private readonly SipAdmission _admission;
    private readonly OutgoingCallFlow _outgoing;

    public SipUserAgent(ISipTransport transport, SipUserAgentOptions options, IIncomingCallHandler handler, TimeProvider time, ILogger<SipUserAgent> logger)
    {
        _transport = transport;
        Options = options;
        _handler = handler;
        Time = time;
        _logger = logger;
        var local = new SipLocalAddress(options.PublicAddress, options.Port);
        var challenges = new ChallengeAnswerer(logger);
        _transactions = new SipTransactionLayer(new TransportSender(transport), options.Timers, time);
        _registrations = new RegistrationTable(_transactions, local);
        _admission = new SipAdmission(options, _registrations, _dialogs, _transactions, logger);
        _dialogLayer = new SipDialogLayer(_dialogs, _transactions, local, options.Timers, challenges, call => _admission.Leave(call.RemoteEndPoint.Address), logger);
        _inDialog = new InDialogRequestHandler(_dialogs, local, _rules, logger);
        _outgoing = new OutgoingCallFlow(_transactions, _dialogs, _dialogLayer, local, options, challenges, logger);
    }

    public SipUserAgentOptions Options { get; }

    internal TimeProvider Time { get; }

    /// <summary>Calls not yet ended.</summary>
    public int ActiveCalls => _dialogs.Count;

    /// <summary>
    /// Sends an INVITE for <paramref name="request"/> and returns the call at once; its
    /// <see cref="OutgoingCall.Answered"/> task says how it went. A call still ringing after
    /// <see cref="OutgoingCallRequest.RingTimeout"/> is cancelled (outcome <c>no-answer</c>); one that
    /// got no response at all ends as <c>failed</c> with 408, one whose next hop does not resolve or
    /// cannot be reached as <c>failed</c> with 503 (§8.1.3.1).
    /// </summary>
    /// <exception cref="ArgumentException">The target is not a sip: URI, or names a transport we do not have.</exception>
    public OutgoingCall PlaceCall(OutgoingCallRequest request) => _outgoing.Place(request);

    /// <summary>Keeps an account registered until the returned registration is disposed.</summary>
    public SipRegistration Register(RegistrationOptions options) => _registrations.Register(options);

    /// <summary>Processes messages until the transport completes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var resolving = _admission.HasNamedTrunks ? _admission.ResolveTrunksAsync(cancellationToken) : Task.CompletedTask;
        try
        {
            await foreach (var inbound in _transport.Incoming.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ProcessAsync(inbound, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One message's failure must never stop the user agent for every other call.
                    TelephonyLog.ProcessingFailed(_logger, ex, inbound.Remote.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        foreach (var call in _dialogs.Calls)
        {
            call.End(CallEndReason.Shutdown);
        }

        await resolving.ConfigureAwait(false);
    }

    private async ValueTask ProcessAsync(SipInbound inbound, CancellationToken cancellationToken)
    {
        switch (inbound.Message)
        {
            case SipRequest request:
                await HandleRequestAsync(request, new SipHop(inbound.Remote, inbound.Transport), cancellationToken).ConfigureAwait(false);
                break;
            case SipResponse response:
                _transactions.OnResponse(response, _outgoing.ResendAck);
                break;
            default:
                // RFC 3261 §8.2: answer a request we cannot parse when we know where to send the answer.
                // Statelessly, to the packet's source (never the Via's sent-by), and within the source's request rate.
                if (inbound.Error is { SuggestedStatus: > 0, PartialRequest: { } partial } error && partial.Method != SipMethods.Ack
                    && _admission.AdmitRequest(partial, inbound.Remote))
                {
                    ViaReceivedStamp.Apply(partial, inbound.Remote);
                    var response = SipResponseFactory.Create(partial, error.SuggestedStatus, SipResponseFactory.ReasonPhrase(error.SuggestedStatus), _transactions.StatelessTag(partial));
                    response.Headers.Add(SipHeaderNames.Warning, $"399 VoiceAgent \"{error.Detail.Replace("\"", "'", StringComparison.Ordinal)}\"");
                    await _transactions.SendStatelessAsync(response, inbound.Remote, inbound.Transport).ConfigureAwait(false);
                }

                break;
        }
    }

    private async ValueTask HandleRequestAsync(SipRequest request, SipHop remote, CancellationToken cancellationToken)
    {
        var key = TransactionKey.ForRequest(request);
        if (request.Method == SipMethods.Ack)
        {
            if (_transactions.AbsorbAck(key))
            {
                return; // ACK for our non-2xx: the transaction absorbs it (§17.2.1).
            }

            _dialogs.Find(request)?.OnAck();
            return; // ACK for a 2xx, or a stray one: never answered.
        }

        if (key is null || _transactions.AbsorbRetransmission(key))
        {
            return;
        }

        if (request.Method == SipMethods.Invite)
        {
            await HandleInviteAsync(key, request, remote, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_admission.AdmitRequest(request, remote.EndPoint))
        {
            return;
        }

        // OPTIONS, refusals and requests for no dialog are answered without state (Kamailio's sl):
        // a retransmission is answered again, and nothing of a 60 KB request is kept for 32 s.
        if (StatelessAnswer(request) is { } stateless)
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                TelephonyLog.AnsweredStatelessly(_logger, request.Method, request.CallId, remote.EndPoint.ToString(), stateless.StatusCode, stateless.ReasonPhrase);
            }

            await _transactions.SendStatelessAsync(stateless, remote.EndPoint, remote.Transport).ConfigureAwait(false);
            return;
        }

        // A request that acts on a call (BYE, CANCEL, INFO, UPDATE, NOTIFY) keeps a transaction, so a
        // retransmission gets the same answer instead of acting twice (§17.2.2).
        var transaction = _transactions.CreateNonInviteServer(key, remote);
        var answer = await _inDialog.AnswerAsync(request).ConfigureAwait(false);
        TelephonyLog.Answered(_logger, request.Method, request.CallId, remote.EndPoint.ToString(), answer.StatusCode, answer.ReasonPhrase);
        await transaction.SendResponseAsync(answer).ConfigureAwait(false);
    }

    /// <summary>The answer when it needs no transaction (RFC 3261 §8.2.7): nothing was done that a retransmission could repeat; null otherwise.</summary>
    private SipResponse? StatelessAnswer(SipRequest request)
    {
        if (_rules.Check(request) is { } refused)
        {
            return refused;
        }

        switch (request.Method)
        {
            case SipMethods.Options:
                var options = SipResponseFactory.Create(request, 200, "OK", _transactions.StatelessTag(request));
                options.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
                options.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                options.Headers.Add(SipHeaderNames.Supported, string.Empty);
                return options;
            case SipMethods.Cancel:
                return _dialogs.FindCancelled(request) is not null ? null : _transactions.NoSuchCall(request);
            case SipMethods.Notify:
                return _dialogs.Find(request) is { Refer: not null } ? null : _transactions.NoSuchCall(request);
            case SipMethods.Update or SipMethods.Bye or SipMethods.Info:
                return _dialogs.Find(request) is not null ? null : _transactions.NoSuchCall(request);
            default:
                return _rules.NotSupported(request, _transactions.StatelessTag(request));
        }
    }

    private async ValueTask HandleInviteAsync(string key, SipRequest invite, SipHop remote, CancellationToken cancellationToken)
    {
        // Everything that refuses an INVITE is decided before any state is kept, and answered
        // statelessly: no 100 Trying, no transaction, no timer G retransmitting the refusal for 32 s.
        SipNameAddress.TryParse(invite.To!, out var to);
        var inDialog = to?.Tag is not null; // a To that is no name-address is refused 400 by CheckInvite below
        var refusal = _rules.CheckInvite(invite)
            ?? (inDialog ? (_dialogs.Find(invite) is null ? _transactions.NoSuchCall(invite) : null) : SessionTimerNegotiation.CheckSessionInterval(invite, Options.MinSessionExpiresSeconds));
        if (refusal is not null || inDialog)
        {
            // Re-INVITEs and refused INVITEs count against the source's request rate like any other request.
            if (!_admission.AdmitRequest(invite, remote.EndPoint))
            {
                return;
            }
        }
        else
        {
            refusal = _admission.Admit(invite, remote.EndPoint);
        }

        if (refusal is not null)
        {
            await _transactions.SendStatelessAsync(refusal, remote.EndPoint, remote.Transport).ConfigureAwait(false);
            return;
        }

        var transaction = _transactions.CreateInviteServer(key, invite, remote);
        // §17.2.1: 100 Trying at once, so the caller stops retransmitting while the host decides.
        await transaction.SendResponseAsync(SipResponseFactory.Create(invite, 100, "Trying")).ConfigureAwait(false);

        if (inDialog)
        {
            await transaction.SendResponseAsync(_inDialog.AnswerReinvite(invite)).ConfigureAwait(false);
            return;
        }

        var dialog = SipDialogFactory.ForIncomingInvite(invite, SipTokens.NewTag());
        var incoming = new IncomingCall(_dialogLayer, invite, transaction, dialog, remote)
        {
            TimerTerms = SessionTimerNegotiation.TermsFromInvite(invite),
            Credentials = _registrations.CredentialsFor(remote.EndPoint),
        };
        _dialogs.Add(incoming, key);
        _ = Task.Run(() => RunHandlerAsync(incoming, cancellationToken), CancellationToken.None);
    }

    private async Task RunHandlerAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        try
        {
            await _handler.OnIncomingCallAsync(call, cancellationToken).ConfigureAwait(false);
            if (!call.Completion.IsCompleted)
            {
                // A handler that returns without ending its call must not leave it open: 480 before answer, BYE after.
                await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TelephonyLog.HandlerFailed(_logger, ex, call.CallId);
            await call.RejectAsync(500, null, CancellationToken.None).ConfigureAwait(false);
            await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            call.End(CallEndReason.Shutdown);
        }
    }
}
