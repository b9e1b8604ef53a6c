namespace VoiceAgent.Telephony.Rtp;

/// <summary>A DTMF key the caller pressed, reported once at its end.</summary>
/// <param name="Digit">0-9, *, #, A-D.</param>
/// <param name="DurationMs">Duration from the end packet (RFC 4733 §2.5.1.3), in milliseconds.</param>
/// <param name="ReceivedTimestamp">Stopwatch timestamp when the end was received.</param>
public readonly record struct DtmfDigit(char Digit, int DurationMs, long ReceivedTimestamp);
