using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>The names under which call outcomes appear in records, the API and webhook events (unchanged on the wire).</summary>
internal static class CallOutcomes
{
    public static string Name(CallOutcome outcome) => outcome switch
    {
        CallOutcome.RemoteHangup => "remote-hangup",
        CallOutcome.LocalHangup => "local-hangup",
        CallOutcome.Cancelled => "cancelled",
        CallOutcome.Rejected => "rejected",
        CallOutcome.AckTimeout => "ack-timeout",
        CallOutcome.NotAnswered => "not-answered",
        CallOutcome.SessionExpired => "session-expired",
        CallOutcome.RtpTimeout => "rtp-timeout",
        CallOutcome.Failed => "failed",
        _ => "shutdown",
    };

    public static string Name(CallEndReason reason) => Name(From(reason));

    /// <summary>The outcome for how the SIP dialog ended.</summary>
    public static CallOutcome From(CallEndReason reason) => reason switch
    {
        CallEndReason.RemoteHangup => CallOutcome.RemoteHangup,
        CallEndReason.LocalHangup => CallOutcome.LocalHangup,
        CallEndReason.Cancelled => CallOutcome.Cancelled,
        CallEndReason.Rejected => CallOutcome.Rejected,
        CallEndReason.AckTimeout => CallOutcome.AckTimeout,
        CallEndReason.NotAnswered => CallOutcome.NotAnswered,
        CallEndReason.SessionExpired => CallOutcome.SessionExpired,
        _ => CallOutcome.Shutdown,
    };
}
