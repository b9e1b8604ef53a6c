using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>The UAC half: placing calls (RFC 3261 §8.1, §13.2), CANCEL (§9.1), and the ACK for 2xx, first and retransmitted (§13.2.2.4).</summary>
internal sealed class OutgoingCallFlow(
    SipTransactionLayer transactions, DialogTable dialogs, SipDialogLayer dialogLayer, SipLocalAddress local, SipUserAgentOptions options, ChallengeAnswerer challenges, ILogger logger)
{
    /// <summary>Sends an INVITE for <paramref name="request"/> and returns the call at once (see <see cref="SipUserAgent.PlaceCall"/>).</summary>
    public OutgoingCall Place(OutgoingCallRequest request)
    {
        if (!SipUri.TryParse(request.Target, out var target) || !target!.IsSip || target.Scheme == "sips")
        {
            throw new ArgumentException($"'{request.Target}' is not a sip: URI.", nameof(request));
        }

        var nextHop = request.NextHop ?? SipNextHop.FromUri(target, out var error)
            ?? throw new ArgumentException($"'{request.Target}': {error}.", nameof(request));
        if (!transactions.Sender.Carries(nextHop.Transport))
        {
            throw new ArgumentException($"'{request.Target}' needs {nextHop.Transport.ViaName()}, which is not enabled (Sip:Tcp).", nameof(request));
        }

        var branch = SipTokens.NewBranch();
        var localTag = SipTokens.NewTag();
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, local.ViaFor(nextHop.Transport, branch));
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, $"<sip:{request.FromUser}@{request.FromDomain ?? local.Host}>;tag={localTag}");
        headers.Add(SipHeaderNames.To, $"<{request.Target}>");
        headers.Add(SipHeaderNames.CallId, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant() + "@voiceagent");
        headers.Add(SipHeaderNames.CSeq, $"1 {SipMethods.Invite}");
        headers.Add(SipHeaderNames.Contact, local.OwnContact(nextHop.Transport));
        headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        headers.Add(SipHeaderNames.Supported, "timer");
        headers.Add(SipHeaderNames.SessionExpires, options.SessionExpiresSeconds.ToString(CultureInfo.InvariantCulture));
        headers.Add(SipHeaderNames.UserAgent, SipResponseFactory.ServerName);
        headers.Add(SipHeaderNames.ContentType, "application/sdp");
        var invite = new SipRequest(SipMethods.Invite, request.Target, headers) { Body = System.Text.Encoding.UTF8.GetBytes(request.SdpOffer) };
        var call = new OutgoingCall(dialogLayer, invite, nextHop.Transport, request.SdpOffer) { Credentials = request.Credentials };
        _ = Task.Run(() => RunAsync(call, nextHop, request.NextHop is not null, branch, request.RingTimeout, request.Credentials), CancellationToken.None);
        return call;
    }

    /// <summary>A retransmitted 2xx of a call we placed (whether or not its transaction is gone yet): the dialog sends the same ACK again (§13.2.2.4).</summary>
    public bool ResendAck(SipResponse response)
    {
        if (dialogs.FindOutgoing(response) is { Ack: { } ack } call && SameCSeq(response, call.Invite))
        {
            _ = transactions.Sender.SendQuietlyAsync(ack, call.AckHop ?? call.RemoteHop);
            return true;
        }

        return false;
    }

    private async Task RunAsync(OutgoingCall call, SipNextHop nextHop, bool explicitProxy, string branch, TimeSpan ringTimeout, DigestCredentials? credentials)
    {
        if (await nextHop.ResolveAsync(transactions.AddressFamily, call.Abandoned).ConfigureAwait(false) is not { } hop)
        {
            TelephonyLog.NextHopUnresolved(logger, call.CallId, nextHop.Host);
            call.OnNotAnswered(503, "failed");
            return;
        }

        call.RouteTo(transactions.Sender.MoveLargeRequestToTcp(call.Invite, hop));
        if (explicitProxy)
        {
            call.OutboundProxy = call.RemoteHop;
        }

        // RFC 3261 §22.2: a 401/407 is answered once with credentials in a new INVITE (new branch, CSeq + 1),
        // and only when the INVITE went to the trunk whose credentials they are (never to a target's own host).
        var final = await RunInviteAsync(call, branch, ringTimeout).ConfigureAwait(false);
        if (final is { Response.StatusCode: 401 or 407 } challenged && credentials is not null && explicitProxy && !call.Abandoned.IsCancellationRequested
            && challenges.Authorize(call.Invite, challenged.Response, credentials, null) is { } retry)
        {
            call.Invite = retry.Invite;
            final = await RunInviteAsync(call, retry.Branch, ringTimeout).ConfigureAwait(false);
        }

        if (final is not null)
        {
            Conclude(call, final.Value.Response, final.Value.CancelledByUs, final.Value.RingTimedOut);
        }
    }

    /// <summary>One INVITE transaction: its final response, or null when the call was concluded inside (no answer at all, cancelled before a provisional).</summary>
    private async Task<(SipResponse Response, bool CancelledByUs, bool RingTimedOut)?> RunInviteAsync(OutgoingCall call, string branch, TimeSpan ringTimeout)
    {
        using var transaction = transactions.CreateInviteClient(branch, call.Invite, m => transactions.Sender.SendAsync(m, call.RemoteHop), call.OnProvisional, call.Transport.IsReliable());
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
                final = await transaction.Completion.WaitAsync(options.Timers.TimeoutInterval).ConfigureAwait(false);
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
            TelephonyLog.OutgoingNotAnswered(logger, call.CallId, final.StatusCode, final.ReasonPhrase);
            call.OnNotAnswered(final.StatusCode, OutgoingCall.OutcomeOf(final.StatusCode, cancelledByUs, ringTimedOut));
            return;
        }

        var dialog = SipDialogFactory.ForOutgoingInvite(call.Invite, final);
        SipCSeq.TryParse(call.Invite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        var ack = dialog.CreateAck(cseq.Number, local.Host, local.Port, call.Transport.ViaName());
        dialogs.Add(dialog, call);
        call.OnAnswered(final, dialog, ack);
        _ = SendAckAsync(call, ack);
        if (SessionTimer.TryParse(final.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out var refresher))
        {
            // §7.2: the 2xx names the refresher; without a name the UAC (we) refresh.
            dialogLayer.StartSessionTimer(call, new SessionTimer(TimeSpan.FromSeconds(seconds), weRefresh: refresher != "uas", transactions.Time));
        }
        TelephonyLog.OutgoingAnswered(logger, call.CallId);
        if (call.Abandoned.IsCancellationRequested)
        {
            _ = call.HangupAsync(CancellationToken.None);
        }
    }

    /// <summary>§13.2.2.4: the ACK for a 2xx is a request of the dialog and goes where the dialog's requests go; its retransmissions follow it.</summary>
    private async Task SendAckAsync(OutgoingCall call, SipRequest ack)
    {
        var hop = await dialogLayer.NextHopInDialogAsync(call, CancellationToken.None).ConfigureAwait(false); // the ACK goes out even if the call ends at once
        call.AckHop = hop;
        await transactions.Sender.SendQuietlyAsync(ack, hop).ConfigureAwait(false);
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

        await transactions.SendRequestAsync(new SipRequest(SipMethods.Cancel, invite.RequestUri, headers), branch, destination, CancellationToken.None).ConfigureAwait(false);
    }

    private static bool SameCSeq(SipResponse response, SipRequest invite)
        => SipCSeq.TryParse(response.Headers.Get(SipHeaderNames.CSeq), out var a) && SipCSeq.TryParse(invite.Headers.Get(SipHeaderNames.CSeq), out var b) && a.Number == b.Number;
}
