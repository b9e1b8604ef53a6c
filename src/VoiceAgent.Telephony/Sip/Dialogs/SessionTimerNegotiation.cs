using System.Globalization;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Sip.Dialogs;

/// <summary>The UAS side of agreeing a session timer (RFC 4028 §9): the interval an INVITE asks for, and what our 2xx confirms.</summary>
internal static class SessionTimerNegotiation
{
    /// <summary>§9 (UAS): a requested interval below our minimum gets 422 with Min-SE.</summary>
    public static SipResponse? CheckSessionInterval(SipRequest invite, int minimumSeconds)
    {
        if (SessionTimer.TryParse(invite.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out _) && seconds < minimumSeconds)
        {
            var response = SipResponseFactory.Create(invite, 422, "Session Interval Too Small", SipTokens.NewTag());
            response.Headers.Add(SipHeaderNames.MinSE, minimumSeconds.ToString(CultureInfo.InvariantCulture));
            return response;
        }

        return null;
    }

    /// <summary>
    /// §9 (UAS): the timer an INVITE asks for, or null. The UAC refreshes when it names itself or,
    /// naming no one, supports timers; otherwise we do.
    /// </summary>
    public static SessionTimerTerms? TermsFromInvite(SipRequest invite)
    {
        if (!SessionTimer.TryParse(invite.Headers.Get(SipHeaderNames.SessionExpires), out var seconds, out var refresher))
        {
            return null;
        }

        var uacRefreshes = refresher == "uac" || (refresher is null && SessionTimer.SupportsTimer(invite));
        return new SessionTimerTerms(seconds, uacRefreshes ? "uac" : "uas", UacSupportsTimer: SessionTimer.SupportsTimer(invite));
    }

    /// <summary>Adds Session-Expires (and Require: timer when the UAC refreshes) to a 2xx for the dialog (§9).</summary>
    public static void AddSessionExpires(SipResponse response, SessionTimerTerms terms)
    {
        response.Headers.Add(SipHeaderNames.SessionExpires, $"{terms.Seconds.ToString(CultureInfo.InvariantCulture)};refresher={terms.Refresher}");
        if (terms.Refresher == "uac" && terms.UacSupportsTimer)
        {
            response.Headers.Add(SipHeaderNames.Require, "timer");
        }
    }
}
