using System.Globalization;
using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Session timers (RFC 4028) for both sides of a dialog.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>§9 (UAS): a requested interval below our minimum gets 422 with Min-SE.</summary>
    private SipResponse? CheckSessionInterval(SipRequest invite)
    {
        if (SessionTimer.TryParse(invite.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out _) && seconds < Options.MinSessionExpiresSeconds)
        {
            var response = SipResponseFactory.Create(invite, 422, "Session Interval Too Small", NewTag());
            response.Headers.Add(SipHeaderNames.MinSE, Options.MinSessionExpiresSeconds.ToString(CultureInfo.InvariantCulture));
            return response;
        }

        return null;
    }

    /// <summary>
    /// §9 (UAS): the timer an INVITE asks for, or null. The UAC refreshes when it names itself or,
    /// naming no one, supports timers; otherwise we do.
    /// </summary>
    internal static SessionTimerTerms? TermsFromInvite(SipRequest invite)
    {
        if (!SessionTimer.TryParse(invite.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out var refresher))
        {
            return null;
        }

        var uacRefreshes = refresher == "uac" || (refresher is null && SessionTimer.SupportsTimer(invite));
        return new SessionTimerTerms(seconds, uacRefreshes ? "uac" : "uas", UacSupportsTimer: SessionTimer.SupportsTimer(invite));
    }

    /// <summary>Adds Session-Expires (and Require: timer when the UAC refreshes) to a 2xx for the dialog (§9).</summary>
    internal static void AddSessionExpires(SipResponse response, SessionTimerTerms terms)
    {
        response.Headers.Add(SipHeaderNames.SessionExpires, $"{terms.Seconds.ToString(CultureInfo.InvariantCulture)};refresher={terms.Refresher}");
        if (terms.Refresher == "uac" && terms.UacSupportsTimer)
        {
            response.Headers.Add(SipHeaderNames.Require, "timer");
        }
    }

    /// <summary>Runs the timer of an established call until it ends: refreshes when we are the refresher, else ends an expired session.</summary>
    internal void StartSessionTimer(IDialogCall call, SessionTimer timer)
    {
        call.Timer = timer;
        _ = Task.Run(() => RunSessionTimerAsync(call, timer), CancellationToken.None);
    }

    private async Task RunSessionTimerAsync(IDialogCall call, SessionTimer timer)
    {
        try
        {
            if (timer.WeRefresh)
            {
                while (true)
                {
                    await Task.Delay(timer.Interval / 2, Time, call.Ended).ConfigureAwait(false);
                    if (await RefreshSessionAsync(call, timer).ConfigureAwait(false))
                    {
                        timer.Refreshed();
                    }
                    else if (timer.SinceRefresh > timer.ExpiryWithoutRefresh)
                    {
                        await ExpireAsync(call).ConfigureAwait(false);
                        return;
                    }
                }
            }

            var check = TimeSpan.FromMilliseconds(Math.Clamp(timer.ExpiryWithoutRefresh.TotalMilliseconds / 8, 50, 5000));
            while (true)
            {
                await Task.Delay(check, Time, call.Ended).ConfigureAwait(false);
                if (timer.SinceRefresh > timer.ExpiryWithoutRefresh)
                {
                    await ExpireAsync(call).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended.
        }
    }

    private async Task ExpireAsync(IDialogCall call)
    {
        TelephonyLog.SessionExpired(_logger, call.Dialog.CallId);
        call.End(CallEndReason.SessionExpired);
        await SendByeAsync(call, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>§10: a refresh by UPDATE without a body (RFC 3311), or a re-INVITE with our current offer when UPDATE is refused.</summary>
    private async Task<bool> RefreshSessionAsync(IDialogCall call, SessionTimer timer)
    {
        var role = call is OutgoingCall ? "uac" : "uas";
        var (update, branch, destination) = await CreateInDialogRequestAsync(call, SipMethods.Update, call.Ended).ConfigureAwait(false);
        AddRefreshHeaders(update, timer, role, destination.Transport);
        var response = await SendInDialogAsync(call, update, branch, destination, call.Ended).ConfigureAwait(false);
        if (response is { IsSuccess: true })
        {
            return true;
        }

        if (response is not { StatusCode: 405 or 501 } || call.LocalSdp is not { } sdp)
        {
            return false;
        }

        var reinvite = call.Dialog.CreateRequest(SipMethods.Invite, ViaHost, Options.Port, destination.Transport.ViaName(), out var inviteBranch);
        AddRefreshHeaders(reinvite, timer, role, destination.Transport);
        reinvite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        reinvite.Body = System.Text.Encoding.UTF8.GetBytes(sdp);
        destination = MoveLargeRequestToTcp(reinvite, destination);
        var final = await RunReinviteAsync(reinvite, inviteBranch, destination, call.Ended).ConfigureAwait(false);
        if (final is { StatusCode: 401 or 407 } && TrunkCredentials(call, destination) is { } credentials
            && Authorize(reinvite, final, credentials, call.Dialog.NextCSeq()) is { } retry)
        {
            // §22.2 inside the dialog: the same offer again with credentials and the dialog's next CSeq.
            reinvite = retry.Invite;
            final = await RunReinviteAsync(reinvite, retry.Branch, destination, call.Ended).ConfigureAwait(false);
        }

        if (final is not { IsSuccess: true })
        {
            return false;
        }

        SipCSeq.TryParse(reinvite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        await SendQuietlyAsync(call.Dialog.CreateAck(cseq.Number, ViaHost, Options.Port, destination.Transport.ViaName()), destination).ConfigureAwait(false);
        return true;
    }

    /// <summary>One re-INVITE client transaction to its final response (null: timer B).</summary>
    private async Task<SipResponse?> RunReinviteAsync(SipRequest reinvite, string branch, SipHop destination, CancellationToken cancellationToken)
    {
        using var transaction = new InviteClientTransaction(
            branch, reinvite, m => SendAsync(m, destination), _ => { }, Options.Timers, Time, t => _inviteClientTransactions.TryRemove(t.Branch, out _), destination.Transport.IsReliable());
        _inviteClientTransactions[branch] = transaction;
        await transaction.StartAsync().ConfigureAwait(false);
        return await transaction.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void AddRefreshHeaders(SipRequest request, SessionTimer timer, string role, SipTransportKind transport)
    {
        request.Headers.Add(SipHeaderNames.SessionExpires, $"{(int)timer.Interval.TotalSeconds};refresher={role}");
        request.Headers.Add(SipHeaderNames.Supported, "timer");
        request.Headers.Add(SipHeaderNames.Contact, OwnContact(transport));
    }
}

/// <summary>The session timer agreed for a dialog: interval and who refreshes (<c>uac</c> or <c>uas</c>).</summary>
internal sealed record SessionTimerTerms(int Seconds, string Refresher, bool UacSupportsTimer);
