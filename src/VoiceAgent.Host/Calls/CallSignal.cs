namespace VoiceAgent.Host.Calls;

/// <summary>What the caller did, as the call's application sees it.</summary>
internal enum CallSignalKind
{
    Digit,
    SpeechStarted,
    SpeechStopped,
}

/// <summary>One caller action: a DTMF digit (RFC 4733) or a voice-activity transition.</summary>
internal readonly record struct CallSignal(CallSignalKind Kind, char Digit, DateTimeOffset At);
