using System.Net;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Admission of new INVITEs: the call limit and the per-source INVITE rate.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>503 with Retry-After (RFC 3261 §21.5.4) when the host is full or the source sends INVITEs too fast.</summary>
    private SipResponse? Refuse(SipRequest invite, IPEndPoint remote)
    {
        string? why = null;
        if (Options.MaxConcurrentCalls > 0 && _callsByDialog.Count >= Options.MaxConcurrentCalls)
        {
            why = "call limit reached";
        }
        else if (!_inviteLimiter.TryAcquire(remote.Address))
        {
            why = "too many calls from this address";
        }

        if (why is null)
        {
            return null;
        }

        TelephonyLog.InviteRefused(_logger, remote.ToString(), why);
        var response = SipResponseFactory.Create(invite, 503, SipResponseFactory.ReasonPhrase(503), NewTag());
        response.Headers.Add(SipHeaderNames.RetryAfter, "5");
        response.Headers.Add(SipHeaderNames.Warning, $"399 VoiceAgent \"{why}\"");
        return response;
    }
}
