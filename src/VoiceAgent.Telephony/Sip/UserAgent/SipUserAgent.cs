using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// The user agent (RFC 3261 §8, §12, §13, §15): reads the transport, matches transactions and
/// dialogs, answers what the core answers itself (OPTIONS, CANCEL, BYE, errors), hands each new
/// INVITE to the host's <see cref="IIncomingCallHandler"/> off the receive loop, and places
/// outgoing calls (<see cref="PlaceCall"/>).
/// </summary>
public sealed partial class SipUserAgent
{
    private readonly ISipTransport _transport;
    private readonly IIncomingCallHandler _handler;
    private readonly ILogger _logger;
    private readonly SipRequestRules _rules;
    private readonly ConcurrentDictionary<string, IServerTransaction> _serverTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NonInviteClientTransaction> _clientTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InviteClientTransaction> _inviteClientTransactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IDialogCall> _callsByDialog = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IncomingCall> _callsByInvite = new(StringComparer.Ordinal);

    public SipUserAgent(ISipTransport transport, SipUserAgentOptions options, IIncomingCallHandler handler, TimeProvider time, ILogger<SipUserAgent> logger)
    {
        _transport = transport;
        Options = options;
        _handler = handler;
        Time = time;
        _logger = logger;
        _rules = new SipRequestRules();
        _inviteLimiter = new SourceRateLimiter(options.InvitesPerSecondPerSource, (int)Math.Ceiling(options.InvitesPerSecondPerSource * 4), time);
        _requestLimiter = new SourceRateLimiter(options.RequestsPerSecondPerSource, (int)Math.Ceiling(options.RequestsPerSecondPerSource * 4), time);
        _trust = new SourceTrust(options.TrustedSources, options.TrunkProxies);
    }

    private readonly SourceRateLimiter _inviteLimiter;
    private readonly SourceRateLimiter _requestLimiter;
    private readonly SourceTrust _trust;

    public SipUserAgentOptions Options { get; }

    internal TimeProvider Time { get; }

    /// <summary>Calls not yet ended.</summary>
    public int ActiveCalls => _callsByDialog.Count;

    /// <summary>Processes messages until the transport completes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var resolving = _trust.HasNamedTrunks ? ResolveTrunksAsync(cancellationToken) : Task.CompletedTask;
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

        foreach (var call in _callsByDialog.Values)
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
                HandleResponse(response);
                break;
            default:
                // RFC 3261 §8.2: answer a request we cannot parse when we know where to send the answer.
                // Statelessly, to the packet's source (never the Via's sent-by), and within the source's request rate.
                if (inbound.Error is { SuggestedStatus: > 0, PartialRequest: { } partial } error && partial.Method != SipMethods.Ack
                    && AdmitRequest(partial, inbound.Remote))
                {
                    ViaReceivedStamp.Apply(partial, inbound.Remote);
                    var response = SipResponseFactory.Create(partial, error.SuggestedStatus, SipResponseFactory.ReasonPhrase(error.SuggestedStatus), StatelessTag(partial));
                    response.Headers.Add(SipHeaderNames.Warning, $"399 VoiceAgent \"{error.Detail.Replace("\"", "'", StringComparison.Ordinal)}\"");
                    await SendStatelessAsync(response, inbound.Remote, inbound.Transport).ConfigureAwait(false);
                }

                break;
        }
    }

    private async ValueTask HandleRequestAsync(SipRequest request, SipHop remote, CancellationToken cancellationToken)
    {
        var key = TransactionKey.ForRequest(request);
        if (request.Method == SipMethods.Ack)
        {
            if (key is not null && _serverTransactions.TryGetValue(key, out var invite) && invite is InviteServerTransaction ist && ist.OnAck())
            {
                return; // ACK for our non-2xx: the transaction absorbs it (§17.2.1).
            }

            FindCall(request)?.OnAck();
            return; // ACK for a 2xx, or a stray one: never answered.
        }

        if (key is null)
        {
            return;
        }

        if (_serverTransactions.TryGetValue(key, out var existing))
        {
            existing.OnRequestRetransmission();
            return;
        }

        if (request.Method == SipMethods.Invite)
        {
            await HandleInviteAsync(key, request, remote, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!AdmitRequest(request, remote.EndPoint))
        {
            return;
        }

        // OPTIONS, refusals and requests for no dialog are answered without state (Kamailio's sl):
        // a retransmission is answered again, and nothing of a 60 KB request is kept for 32 s.
        if (StatelessAnswer(request) is { } stateless)
        {
            TelephonyLog.Answered(_logger, request.Method, request.CallId, remote.EndPoint.ToString(), stateless.StatusCode, stateless.ReasonPhrase);
            await SendStatelessAsync(stateless, remote.EndPoint, remote.Transport).ConfigureAwait(false);
            return;
        }

        // A request that acts on a call (BYE, CANCEL, INFO, UPDATE, NOTIFY) keeps a transaction, so a
        // retransmission gets the same answer instead of acting twice (§17.2.2).
        var destination = DestinationOf(remote.EndPoint, remote.Transport);
        var transaction = new NonInviteServerTransaction(key, m => SendQuietlyAsync(m, destination), Options.Timers, Time, Forget, remote.Transport.IsReliable());
        _serverTransactions[key] = transaction;
        var answer = await AnswerNonInviteAsync(request).ConfigureAwait(false);
        TelephonyLog.Answered(_logger, request.Method, request.CallId, remote.EndPoint.ToString(), answer.StatusCode, answer.ReasonPhrase);
        await transaction.SendResponseAsync(answer).ConfigureAwait(false);
    }

    /// <summary>The answer to a request that acts on a call; the call may have ended since <see cref="StatelessAnswer"/> found it.</summary>
    private async ValueTask<SipResponse> AnswerNonInviteAsync(SipRequest request)
    {
        switch (request.Method)
        {
            case SipMethods.Cancel:
                var inviteKey = TransactionKey.ForCancelledInvite(request);
                if (inviteKey is not null && _callsByInvite.TryGetValue(inviteKey, out var cancelled))
                {
                    await cancelled.OnCancelAsync().ConfigureAwait(false);
                    return SipResponseFactory.Create(request, 200, "OK", cancelled.Dialog.LocalTag);
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), NewTag());
            case SipMethods.Update:
                // RFC 3311: a session refresh (no body) or a new offer inside the dialog.
                if (FindCall(request) is not { } updated)
                {
                    return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), NewTag());
                }

                if (request.Body.Length > 0)
                {
                    if (updated.SessionUpdateHandler?.Invoke(System.Text.Encoding.UTF8.GetString(request.Body.Span)) is not { } answerSdp)
                    {
                        return SipResponseFactory.Create(request, 488, SipResponseFactory.ReasonPhrase(488), updated.Dialog.LocalTag);
                    }

                    updated.UpdateLocalSdp(answerSdp);
                    return CreateInDialogResponse(request, updated, answerSdp);
                }

                return CreateInDialogResponse(request, updated, null);
            case SipMethods.Notify:
                if (FindCall(request) is { Refer: { } subscription })
                {
                    subscription.OnNotify(request);
                    return SipResponseFactory.Create(request, 200, "OK");
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), NewTag());
            case SipMethods.Bye or SipMethods.Info:
                if (FindCall(request) is { } call)
                {
                    if (request.Method == SipMethods.Bye)
                    {
                        call.OnRemoteBye();
                    }
                    else if (call.RefuseInfo(request, _logger) is { } tooFast)
                    {
                        return tooFast;
                    }
                    else if (SipInfoDtmf.TryParse(request.ContentType, request.Body.Span, System.Diagnostics.Stopwatch.GetTimestamp(), out var digit))
                    {
                        call.OnInfoDigit(digit);
                    }

                    return SipResponseFactory.Create(request, 200, "OK");
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), NewTag());
            default:
                return _rules.NotSupported(request, NewTag());
        }
    }

    private async ValueTask HandleInviteAsync(string key, SipRequest invite, SipHop remote, CancellationToken cancellationToken)
    {
        // Everything that refuses an INVITE is decided before any state is kept, and answered
        // statelessly: no 100 Trying, no transaction, no timer G retransmitting the refusal for 32 s.
        // A To that is no name-address is not a dialog; CheckInvite answers it 400 (found by the fuzzer).
        var inDialog = SipNameAddress.TryParse(invite.To ?? string.Empty, out var to) && to!.Tag is not null;
        var refusal = _rules.CheckInvite(invite) ?? (inDialog ? (FindCall(invite) is null ? NoSuchCall(invite) : null) : CheckSessionInterval(invite));
        if (refusal is not null || inDialog)
        {
            // Re-INVITEs and refused INVITEs count against the source's request rate like any other request.
            if (!AdmitRequest(invite, remote.EndPoint))
            {
                return;
            }
        }
        else
        {
            refusal = Admit(invite, remote.EndPoint);
        }

        if (refusal is not null)
        {
            await SendStatelessAsync(refusal, remote.EndPoint, remote.Transport).ConfigureAwait(false);
            return;
        }

        var destination = DestinationOf(remote.EndPoint, remote.Transport);
        var transaction = new InviteServerTransaction(
            key, invite, m => SendQuietlyAsync(m, destination), Options.Timers, Time, Forget, remote.Transport.IsReliable());
        _serverTransactions[key] = transaction;
        // §17.2.1: 100 Trying at once, so the caller stops retransmitting while the host decides.
        await transaction.SendResponseAsync(SipResponseFactory.Create(invite, 100, "Trying")).ConfigureAwait(false);

        if (inDialog)
        {
            // A re-INVITE (RFC 3261 §14.2): a new offer goes to the host (hold, resume, new address);
            // without one, or without a handler, the session is refreshed with our current description.
            SipResponse answer;
            if (FindCall(invite) is not { LocalSdp: { } current } call)
            {
                answer = SipResponseFactory.Create(invite, 481, SipResponseFactory.ReasonPhrase(481));
            }
            else if (invite.Body.Length > 0 && call.SessionUpdateHandler is { } update)
            {
                var updated = update(System.Text.Encoding.UTF8.GetString(invite.Body.Span));
                if (updated is null)
                {
                    answer = SipResponseFactory.Create(invite, 488, SipResponseFactory.ReasonPhrase(488), call.Dialog.LocalTag);
                }
                else
                {
                    call.UpdateLocalSdp(updated);
                    answer = CreateInDialogResponse(invite, call, updated);
                }
            }
            else
            {
                answer = CreateInDialogResponse(invite, call, current);
            }
            await transaction.SendResponseAsync(answer).ConfigureAwait(false);
            return;
        }

        var dialog = SipDialogFactory.ForIncomingInvite(invite, NewTag());
        var incoming = new IncomingCall(this, invite, transaction, dialog, remote) { TimerTerms = TermsFromInvite(invite), Credentials = CredentialsFor(remote.EndPoint) };
        _callsByDialog[dialog.Key] = incoming;
        _callsByInvite[key] = incoming;
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

    private string OwnContact(SipTransportKind transport) => ContactFor("voiceagent", transport);

    private IDialogCall? FindCall(SipRequest request)
    {
        SipNameAddress.TryParse(request.To ?? string.Empty, out var to);
        SipNameAddress.TryParse(request.From ?? string.Empty, out var from);
        return to?.Tag is { } localTag && from?.Tag is { } remoteTag
            && _callsByDialog.TryGetValue(SipDialog.KeyOf(request.CallId ?? string.Empty, localTag, remoteTag), out var call)
            ? call
            : null;
    }

    internal SipResponse CreateResponse(IncomingCall call, int status, ReadOnlyMemory<byte> body, string? reason = null)
    {
        var response = SipResponseFactory.Create(call.Invite, status, reason ?? SipResponseFactory.ReasonPhrase(status), call.Dialog.LocalTag);
        if (status is > 100 and < 300)
        {
            // §12.1.1: the UAS copies Record-Route into responses that establish the dialog and gives its Contact.
            foreach (var recordRoute in call.Invite.Headers.GetAll(SipHeaderNames.RecordRoute))
            {
                response.Headers.Add(SipHeaderNames.RecordRoute, recordRoute);
            }

            response.Headers.Add(SipHeaderNames.Contact, OwnContact(call.Transport));
        }

        if (status is >= 200 and < 300)
        {
            response.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
            response.Headers.Add(SipHeaderNames.Supported, "timer");
            if (call.TimerTerms is { } terms)
            {
                AddSessionExpires(response, terms);
            }
        }

        if (!body.IsEmpty)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = body;
        }

        return response;
    }

    internal ValueTask SendResponseAsync(IncomingCall call, SipResponse response) => SendQuietlyAsync(response, DestinationOf(call.RemoteEndPoint, call.Transport));

    internal void OnAckTimeout(IncomingCall call) => TelephonyLog.AckTimeout(_logger, call.CallId);

    internal void Forget(IncomingCall call)
    {
        _callsPerSource.Leave(call.RemoteEndPoint.Address);
        _callsByDialog.TryRemove(call.Dialog.Key, out _);
        _callsByInvite.TryRemove(call.InviteTransactionKey, out _);
    }

    internal void Forget(OutgoingCall call)
    {
        if (call.Dialog is { } dialog)
        {
            _callsByDialog.TryRemove(dialog.Key, out _);
        }
    }

    private void Forget(IServerTransaction transaction) => _serverTransactions.TryRemove(transaction.Key, out _);

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    private static string NewTag() => Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
}
