using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>Runs the session timers (RFC 4028) of established dialogs, for both sides: refreshes when we are the refresher, else ends an expired session.</summary>
internal sealed class SessionTimerScheduler(SipDialogLayer dialogs, SipTransactionLayer transactions, SipLocalAddress local, ChallengeAnswerer challenges, ILogger logger)
{
    /// <summary>Runs the timer of an established call until it ends.</summary>
    public void Start(IDialogCall call, SessionTimer timer)
    {
        call.Timer = timer;
        _ = Task.Run(() => RunAsync(call, timer), CancellationToken.None);
    }

    private async Task RunAsync(IDialogCall call, SessionTimer timer)
    {
        try
        {
            if (timer.WeRefresh)
            {
                while (true)
                {
                    await Task.Delay(timer.Interval / 2, transactions.Time, call.Ended).ConfigureAwait(false);
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
                await Task.Delay(check, transactions.Time, call.Ended).ConfigureAwait(false);
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
        TelephonyLog.SessionExpired(logger, call.Dialog.CallId);
        call.End(CallEndReason.SessionExpired);
        await dialogs.SendByeAsync(call, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>§10: a refresh by UPDATE without a body (RFC 3311), or a re-INVITE with our current offer when UPDATE is refused.</summary>
    private async Task<bool> RefreshSessionAsync(IDialogCall call, SessionTimer timer)
    {
        var role = call is OutgoingCall ? "uac" : "uas";
        var (update, branch, destination) = await dialogs.CreateInDialogRequestAsync(call, SipMethods.Update, call.Ended).ConfigureAwait(false);
        AddRefreshHeaders(update, timer, role, destination.Transport);
        var response = await dialogs.SendInDialogAsync(call, update, branch, destination, call.Ended).ConfigureAwait(false);
        if (response is { IsSuccess: true })
        {
            return true;
        }

        if (response is not { StatusCode: 405 or 501 } || call.LocalSdp is not { } sdp)
        {
            return false;
        }

        var reinvite = call.Dialog.CreateRequest(SipMethods.Invite, local.Host, local.Port, destination.Transport.ViaName(), out var inviteBranch);
        AddRefreshHeaders(reinvite, timer, role, destination.Transport);
        reinvite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        reinvite.Body = System.Text.Encoding.UTF8.GetBytes(sdp);
        destination = transactions.Sender.MoveLargeRequestToTcp(reinvite, destination);
        var final = await transactions.RunReinviteAsync(reinvite, inviteBranch, destination, call.Ended).ConfigureAwait(false);
        if (final is { StatusCode: 401 or 407 } && SipDialogLayer.TrunkCredentials(call, destination) is { } credentials
            && challenges.Authorize(reinvite, final, credentials, call.Dialog.NextCSeq()) is { } retry)
        {
            // §22.2 inside the dialog: the same offer again with credentials and the dialog's next CSeq.
            reinvite = retry.Invite;
            final = await transactions.RunReinviteAsync(reinvite, retry.Branch, destination, call.Ended).ConfigureAwait(false);
        }

        if (final is not { IsSuccess: true })
        {
            return false;
        }

        SipCSeq.TryParse(reinvite.Headers.Get(SipHeaderNames.CSeq), out var cseq);
        await transactions.Sender.SendQuietlyAsync(call.Dialog.CreateAck(cseq.Number, local.Host, local.Port, destination.Transport.ViaName()), destination).ConfigureAwait(false);
        return true;
    }

    private void AddRefreshHeaders(SipRequest request, SessionTimer timer, string role, SipTransportKind transport)
    {
        request.Headers.Add(SipHeaderNames.SessionExpires, $"{(int)timer.Interval.TotalSeconds};refresher={role}");
        request.Headers.Add(SipHeaderNames.Supported, "timer");
        request.Headers.Add(SipHeaderNames.Contact, local.OwnContact(transport));
    }
}
