using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>The UAC half: placing calls (RFC 3261 §8.1, §13.2), CANCEL (§9.1), the ACK for 2xx, and matching responses to our client transactions (§17.1.3).</summary>
public sealed partial class SipUserAgent
{
    private readonly DigestAuthenticator _digest = new();

    /// <summary>
    /// Sends an INVITE for <paramref name="request"/> and returns the call at once; its
    /// <see cref="OutgoingCall.Answered"/> task says how it went. A call still ringing after
    /// <see cref="OutgoingCallRequest.RingTimeout"/> is cancelled (outcome <c>no-answer</c>); one that
    /// got no response at all ends as <c>failed</c> with 408, one whose next hop does not resolve or
    /// cannot be reached as <c>failed</c> with 503 (§8.1.3.1).
    /// </summary>
    /// <exception cref="ArgumentException">The target is not a sip: URI, or names a transport we do not have.</exception>
    public OutgoingCall PlaceCall(OutgoingCallRequest request)
    {
        if (!SipUri.TryParse(request.Target, out var target) || !target!.IsSip || target.Scheme == "sips")
        {
            throw new ArgumentException($"'{request.Target}' is not a sip: URI.", nameof(request));
        }

        var nextHop = request.NextHop ?? SipNextHop.FromUri(target, out var error)
            ?? throw new ArgumentException($"'{request.Target}': {error}.", nameof(request));
        if (!_transport.Carries(nextHop.Transport))
        {
            throw new ArgumentException($"'{request.Target}' needs {nextHop.Transport.ViaName()}, which is not enabled (Sip:Tcp).", nameof(request));
        }

        var branch = NewBranch();
        var localTag = NewTag();
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, ViaFor(nextHop.Transport, branch));
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, $"<sip:{request.FromUser}@{request.FromDomain ?? FormatHost(Options.PublicAddress)}>;tag={localTag}");
        headers.Add(SipHeaderNames.To, $"<{request.Target}>");
        headers.Add(SipHeaderNames.CallId, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant() + "@voiceagent");
        headers.Add(SipHeaderNames.CSeq, $"1 {SipMethods.Invite}");
        headers.Add(SipHeaderNames.Contact, ContactFor("voiceagent", nextHop.Transport));
        headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        headers.Add(SipHeaderNames.Supported, "timer");
        headers.Add(SipHeaderNames.SessionExpires, Options.SessionExpiresSeconds.ToString(CultureInfo.InvariantCulture));
        headers.Add(SipHeaderNames.UserAgent, SipResponseFactory.ServerName);
        headers.Add(SipHeaderNames.ContentType, "application/sdp");
        var invite = new SipRequest(SipMethods.Invite, request.Target, headers) { Body = System.Text.Encoding.UTF8.GetBytes(request.SdpOffer) };
        var call = new OutgoingCall(this, invite, nextHop.Transport, request.SdpOffer) { Credentials = request.Credentials };
        _ = Task.Run(() => RunOutgoingAsync(call, nextHop, request.NextHop is not null, branch, request.RingTimeout, request.Credentials), CancellationToken.None);
        return call;
    }

    private async Task RunOutgoingAsync(OutgoingCall call, SipNextHop nextHop, bool explicitProxy, string branch, TimeSpan ringTimeout, DigestCredentials? credentials)
    {
        if (await nextHop.ResolveAsync(_transport.LocalEndPoint.AddressFamily, call.Abandoned).ConfigureAwait(false) is not { } hop)
        {
            TelephonyLog.NextHopUnresolved(_logger, call.CallId, nextHop.Host);
            call.OnNotAnswered(503, "failed");
            return;
        }

        call.RouteTo(MoveLargeRequestToTcp(call.Invite, hop));
        if (explicitProxy)
        {
            call.OutboundProxy = call.RemoteHop;
        }

        // RFC 3261 §22.2: a 401/407 is answered once with credentials in a new INVITE (new branch, CSeq + 1),
        // and only when the INVITE went to the trunk whose credentials they are (never to a target's own host).
        var final = await RunInviteAsync(call, branch, ringTimeout).ConfigureAwait(false);
        if (final is { Response.StatusCode: 401 or 407 } challenged && credentials is not null && explicitProxy && !call.Abandoned.IsCancellationRequested
            && Authorize(call.Invite, challenged.Response, credentials, null) is { } retry)
        {
            call.Invite = retry.Invite;
            final = await RunInviteAsync(call, retry.Branch, ringTimeout).ConfigureAwait(false);
        }

        if (final is not null)
        {
            Conclude(call, final.Value.Response, final.Value.CancelledByUs, final.Value.RingTimedOut);
        }
    }

    /// <summary>
    /// A copy of the request with a fresh branch, a new CSeq (+ 1, or <paramref name="cseq"/> from the
    /// dialog's counter for in-dialog requests) and the answer to every challenge we can answer.
    /// </summary>
    private (SipRequest Invite, string Branch)? Authorize(SipRequest invite, SipResponse challenge, DigestCredentials credentials, uint? cseq)
    {
        var (challengeHeader, answerHeader) = challenge.StatusCode == 401
            ? (SipHeaderNames.WwwAuthenticate, SipHeaderNames.Authorization)
            : (SipHeaderNames.ProxyAuthenticate, SipHeaderNames.ProxyAuthorization);
        var answers = new List<string>();
        foreach (var header in challenge.Headers.GetAll(challengeHeader))
        {
            if (!DigestChallenge.TryParse(header, out var parsed) || !DigestAuthenticator.Supports(parsed!))
            {
                continue;
            }

            // Only the trunk's realm (Trunks:<name>:Realm, else the first it used): a challenge for another
            // realm would have us hand a hash of the trunk's password to whoever asked.
            if (!credentials.Realm.Accepts(parsed!.Realm))
            {
                TelephonyLog.ChallengeNotAnswered(_logger, invite.CallId ?? string.Empty, parsed.Realm, $"the trunk's realm is '{credentials.Realm.Value}'");
                continue;
            }

            answers.Add(_digest.Authorize(parsed, credentials, invite.Method, invite.RequestUri));
        }

        if (answers.Count == 0)
        {
            return null;
        }

        var branch = NewBranch();
        var headers = new SipHeaderCollection();
        foreach (var header in invite.Headers)
        {
            if (header.Name is SipHeaderNames.Authorization or SipHeaderNames.ProxyAuthorization)
            {
                continue;
            }

            headers.Add(header.Name, header.Name switch
            {
                SipHeaderNames.Via => System.Text.RegularExpressions.Regex.Replace(header.Value, "branch=[^;]+", "branch=" + branch),
                SipHeaderNames.CSeq => SipCSeq.TryParse(header.Value, out var old) ? $"{(cseq ?? old.Number + 1).ToString(CultureInfo.InvariantCulture)} {old.Method}" : header.Value,
                _ => header.Value,
            });
        }

        foreach (var answer in answers)
        {
            headers.Add(answerHeader, answer);
        }

        TelephonyLog.Authenticating(_logger, invite.CallId ?? string.Empty, challenge.StatusCode, credentials.Username);
        return (new SipRequest(invite.Method, invite.RequestUri, headers) { Body = invite.Body }, branch);
    }

    /// <summary>One INVITE transaction: its final response, or null when the call was concluded inside (no answer at all, cancelled before a provisional).</summary>
    private async Task<(SipResponse Response, bool CancelledByUs, bool RingTimedOut)?> RunInviteAsync(OutgoingCall call, string branch, TimeSpan ringTimeout)
    {
        using var transaction = new InviteClientTransaction(
            branch, call.Invite, m => SendAsync(m, call.RemoteHop), call.OnProvisional, Options.Timers, Time, t => _inviteClientTransactions.TryRemove(t.Branch, out _), call.Transport.IsReliable());
        _inviteClientTransactions[branch] = transaction;
        try
        {
            await transaction.StartAsync().ConfigureAwait(false);
            SipResponse? final = null;
            var ringTimedOut = false;
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(call.Abandoned))
            {
                waiting.CancelAfter(ringTimeout);
                try
                {
                    final = await transaction.Completion.WaitAsync(waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    ringTimedOut = !call.Abandoned.IsCancellationRequested;
                }
            }

            if (final is null && transaction.Completion.IsCompleted)
            {
                call.OnNotAnswered(408, "failed"); // timer B: nobody answered the INVITE at all
                return null;
            }

            if (final is null)
            {
                if (!transaction.HasProvisional)
                {
                    // §9.1: no CANCEL before a provisional response; give the INVITE up.
                    call.OnNotAnswered(408, call.Abandoned.IsCancellationRequested ? "cancelled" : "failed");
                    return null;
                }

                await SendCancelAsync(call.Invite, branch, call.RemoteHop).ConfigureAwait(false);

                // The callee answers the INVITE with 487 (or, in a race, with 200: then we hang up at once).
                final = await transaction.Completion.WaitAsync(Options.Timers.TimeoutInterval).ConfigureAwait(false);
                if (final is null)
                {
                    call.OnNotAnswered(408, ringTimedOut ? "no-answer" : "cancelled");
                    return null;
                }
            }

            return (final, call.Abandoned.IsCancellationRequested, ringTimedOut);
        }
        catch (Exception ex) when (ex is TimeoutException or System.Net.Sockets.SocketException)
        {
            call.OnNotAnswered(408, "failed");
            return null;
        }
    }

    private void Conclude(OutgoingCall call, SipResponse final, bool cancelledByUs, bool ringTimedOut)
    {
        if (!final.IsSuccess)
        {
            TelephonyLog.OutgoingNotAnswered(_logger, call.CallId, final.StatusCode, final.ReasonPhrase);
            call.OnNotAnswered(final.StatusCode, OutgoingCall.OutcomeOf(final.StatusCode, cancelledByUs, ringTimedOut));
            return;
        }

        var dialog = SipDialogFactory.ForOutgoingInvite(call.Invite, final);
        SipCSeq.TryParse(call.Invite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        var ack = dialog.CreateAck(cseq.Number, FormatHost(Options.PublicAddress), Options.Port, call.Transport.ViaName());
        _callsByDialog[dialog.Key] = call;
        call.OnAnswered(final, dialog, ack);
        _ = SendAckAsync(call, ack);
        if (SessionTimer.TryParse(final.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out var refresher))
        {
            // §7.2: the 2xx names the refresher; without a name the UAC (we) refresh.
            StartSessionTimer(call, new SessionTimer(TimeSpan.FromSeconds(seconds), weRefresh: refresher != "uas", Time));
        }
        TelephonyLog.OutgoingAnswered(_logger, call.CallId);
        if (call.Abandoned.IsCancellationRequested)
        {
            _ = call.HangupAsync(CancellationToken.None);
        }
    }

    /// <summary>§13.2.2.4: the ACK for a 2xx is a request of the dialog and goes where the dialog's requests go; its retransmissions follow it.</summary>
    private async Task SendAckAsync(OutgoingCall call, SipRequest ack)
    {
        var hop = await NextHopInDialogAsync(call, CancellationToken.None).ConfigureAwait(false); // the ACK goes out even if the call ends at once
        call.AckHop = hop;
        await SendQuietlyAsync(ack, hop).ConfigureAwait(false);
    }

    /// <summary>§9.1: CANCEL copies the INVITE's Request-URI, Call-ID, From, To, CSeq number, top Via (same branch) and Route.</summary>
    private async Task SendCancelAsync(SipRequest invite, string branch, SipHop destination)
    {
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, invite.TopVia!);
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, invite.From!);
        headers.Add(SipHeaderNames.To, invite.To!);
        headers.Add(SipHeaderNames.CallId, invite.CallId!);
        SipCSeq.TryParse(invite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        headers.Add(SipHeaderNames.CSeq, $"{cseq.Number.ToString(CultureInfo.InvariantCulture)} {SipMethods.Cancel}");
        foreach (var route in invite.Headers.GetAll(SipHeaderNames.Route))
        {
            headers.Add(SipHeaderNames.Route, route);
        }

        await SendNonInviteAsync(new SipRequest(SipMethods.Cancel, invite.RequestUri, headers), branch, destination, CancellationToken.None).ConfigureAwait(false);
    }

    private static string NewBranch() => "z9hG4bK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>§17.1.3: a response matches the client transaction of its top Via branch and CSeq method.</summary>
    private void HandleResponse(SipResponse response)
    {
        if (response.TopVia is not { } top || !SipVia.TryParse(top, out var via) || via!.Branch is not { } branch
            || !SipCSeq.TryParse(response.Headers.Get(SipHeaderNames.CSeq), out var cseq))
        {
            return;
        }

        if (cseq.Method != SipMethods.Invite)
        {
            if (_clientTransactions.TryGetValue(ClientKey(branch, cseq.Method), out var transaction))
            {
                transaction.OnResponse(response);
            }

            return;
        }

        if (response.IsSuccess && FindOutgoing(response) is { Ack: { } ack } call && SameCSeq(response, call.Invite))
        {
            // A retransmitted 2xx (whether or not its transaction is gone yet): the dialog sends the same ACK again (§13.2.2.4).
            _ = SendQuietlyAsync(ack, call.AckHop ?? call.RemoteHop);
        }
        else if (_inviteClientTransactions.TryGetValue(branch, out var invite))
        {
            invite.OnResponse(response);
        }
    }

    private static bool SameCSeq(SipResponse response, SipRequest invite)
        => SipCSeq.TryParse(response.Headers.Get(SipHeaderNames.CSeq), out var a) && SipCSeq.TryParse(invite.Headers.Get(SipHeaderNames.CSeq), out var b) && a.Number == b.Number;

    private OutgoingCall? FindOutgoing(SipResponse response)
    {
        SipNameAddress.TryParse(response.From ?? string.Empty, out var from);
        SipNameAddress.TryParse(response.To ?? string.Empty, out var to);
        return from?.Tag is { } localTag && to?.Tag is { } remoteTag
            && _callsByDialog.TryGetValue(SipDialog.KeyOf(response.CallId ?? string.Empty, localTag, remoteTag), out var call)
            ? call as OutgoingCall
            : null;
    }

    private static string ClientKey(string branch, string method) => branch + "|" + method;
}
