using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>The names under which call outcomes appear in records, the API and webhook events.</summary>
internal static class CallOutcomes
{
    public static string Name(CallEndReason reason) => reason switch
    {
        CallEndReason.RemoteHangup => "remote-hangup",
        CallEndReason.LocalHangup => "local-hangup",
        CallEndReason.Cancelled => "cancelled",
        CallEndReason.Rejected => "rejected",
        CallEndReason.AckTimeout => "ack-timeout",
        CallEndReason.NotAnswered => "not-answered",
        CallEndReason.SessionExpired => "session-expired",
        _ => "shutdown",
    };
}
