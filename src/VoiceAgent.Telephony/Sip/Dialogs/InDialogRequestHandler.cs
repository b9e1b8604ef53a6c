using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>
/// Answers the peer's requests that act on a call (RFC 3261 §12.2.2, §14.2, §15.1.2, §9.2; RFC 3311
/// UPDATE, RFC 6086 INFO, RFC 3515 NOTIFY): the call may have ended since the stateless check found it.
/// </summary>
internal sealed class InDialogRequestHandler(DialogTable dialogs, SipLocalAddress local, SipRequestRules rules, ILogger logger)
{
    /// <summary>The answer to a non-INVITE request that acts on a call.</summary>
    public async ValueTask<SipResponse> AnswerAsync(SipRequest request)
    {
        switch (request.Method)
        {
            case SipMethods.Cancel:
                if (dialogs.FindCancelled(request) is { } cancelled)
                {
                    await cancelled.OnCancelAsync().ConfigureAwait(false);
                    return SipResponseFactory.Create(request, 200, "OK", cancelled.Dialog.LocalTag);
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), SipTokens.NewTag());
            case SipMethods.Update:
                // RFC 3311: a session refresh (no body) or a new offer inside the dialog.
                if (dialogs.Find(request) is not { } updated)
                {
                    return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), SipTokens.NewTag());
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
                if (dialogs.Find(request) is { Refer: { } subscription })
                {
                    subscription.OnNotify(request);
                    return SipResponseFactory.Create(request, 200, "OK");
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), SipTokens.NewTag());
            case SipMethods.Bye or SipMethods.Info:
                if (dialogs.Find(request) is { } call)
                {
                    if (request.Method == SipMethods.Bye)
                    {
                        call.OnRemoteBye();
                    }
                    else if (call.RefuseInfo(request, logger) is { } tooFast)
                    {
                        return tooFast;
                    }
                    else if (SipInfoDtmf.TryParse(request.ContentType, request.Body.Span, System.Diagnostics.Stopwatch.GetTimestamp(), out var digit))
                    {
                        call.OnInfoDigit(digit);
                    }

                    return SipResponseFactory.Create(request, 200, "OK");
                }

                return SipResponseFactory.Create(request, 481, SipResponseFactory.ReasonPhrase(481), SipTokens.NewTag());
            default:
                return rules.NotSupported(request, SipTokens.NewTag());
        }
    }

    /// <summary>
    /// The final answer to a re-INVITE (RFC 3261 §14.2): a new offer goes to the host (hold, resume, new
    /// address); without one, or without a handler, the session is refreshed with our current description.
    /// </summary>
    public SipResponse AnswerReinvite(SipRequest invite)
    {
        if (dialogs.Find(invite) is not { LocalSdp: { } current } call)
        {
            return SipResponseFactory.Create(invite, 481, SipResponseFactory.ReasonPhrase(481));
        }

        if (invite.Body.Length > 0 && call.SessionUpdateHandler is { } update)
        {
            var updated = update(System.Text.Encoding.UTF8.GetString(invite.Body.Span));
            if (updated is null)
            {
                return SipResponseFactory.Create(invite, 488, SipResponseFactory.ReasonPhrase(488), call.Dialog.LocalTag);
            }

            call.UpdateLocalSdp(updated);
            return CreateInDialogResponse(invite, call, updated);
        }

        return CreateInDialogResponse(invite, call, current);
    }

    /// <summary>200 to a re-INVITE or UPDATE: our Contact, our session (when there is a body to give), and the session timer refreshed (RFC 4028 §9).</summary>
    private SipResponse CreateInDialogResponse(SipRequest request, IDialogCall call, string? sdp)
    {
        var response = SipResponseFactory.Create(request, 200, "OK", call.Dialog.LocalTag);
        response.Headers.Add(SipHeaderNames.Contact, local.OwnContact(call.RemoteHop.Transport));
        response.Headers.Add(SipHeaderNames.Allow, SipUserAgentOptions.Allow);
        response.Headers.Add(SipHeaderNames.Supported, "timer");
        if (call.Timer is { } timer)
        {
            timer.Refreshed();
            var ourRole = call is OutgoingCall ? "uac" : "uas";
            var theirRole = ourRole == "uac" ? "uas" : "uac";
            response.Headers.Add(SipHeaderNames.SessionExpires, $"{(int)timer.Interval.TotalSeconds};refresher={(timer.WeRefresh ? ourRole : theirRole)}");
        }

        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = System.Text.Encoding.UTF8.GetBytes(sdp);
        }

        return response;
    }
}
