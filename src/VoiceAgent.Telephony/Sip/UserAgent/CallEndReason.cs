namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>The caller sent BYE.</summary>
    RemoteHangup,
    /// <summary>We sent BYE.</summary>
    LocalHangup,
    /// <summary>The caller cancelled before we answered (CANCEL, 487).</summary>
    Cancelled,
    /// <summary>We rejected the INVITE with a final non-2xx response.</summary>
    Rejected,
    /// <summary>Our 2xx was never acknowledged (RFC 3261 §13.3.1.4); we sent BYE.</summary>
    AckTimeout,
    /// <summary>The user agent shut down.</summary>
    Shutdown,
    /// <summary>The session timer (RFC 4028) ran out without a refresh; we sent BYE.</summary>
    SessionExpired,
    /// <summary>Our outgoing call was not answered: busy, declined, no answer, unreachable (the outcome says which).</summary>
    NotAnswered,
}
