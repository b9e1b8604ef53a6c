namespace VoiceAgent.Telephony.Media.Vad;

/// <summary>Speech started or stopped on the caller's side.</summary>
public enum VoiceActivityTransition
{
    SpeechStarted,
    SpeechStopped,
}
