namespace VoiceAgent.Telephony.Media.Vad;

/// <summary>A caller speech transition with the Stopwatch timestamp of the frame that caused it.</summary>
public readonly record struct VoiceActivityEvent(VoiceActivityTransition Transition, long Timestamp);
