namespace VoiceAgent.Host.Calls;

/// <summary>How a call ended (or was refused); <see cref="CallOutcomes.Name"/> gives its name in records, the API and events.</summary>
internal enum CallOutcome
{
    RemoteHangup,
    LocalHangup,
    Cancelled,
    Rejected,
    AckTimeout,
    NotAnswered,
    SessionExpired,
    Shutdown,
    RtpTimeout,
    Failed,
}
