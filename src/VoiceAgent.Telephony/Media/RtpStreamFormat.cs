using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Media;

/// <summary>What a stream sends and understands, as negotiated in SDP.</summary>
/// <param name="Encoder">This call's own encoder.</param>
/// <param name="PayloadType">Payload type of the codec (the offerer's number).</param>
/// <param name="TelephoneEventPayloadType">RFC 4733 payload type, or null when not negotiated.</param>
/// <param name="TelephoneEventClockRate">Clock rate of telephone-event (durations are in its units).</param>
/// <param name="Decoder">This call's own decoder for the caller's audio (at the encoder's sample rate), or null to ignore it.</param>
public sealed record RtpStreamFormat(IAudioEncoder Encoder, int PayloadType, int? TelephoneEventPayloadType, int TelephoneEventClockRate = 8000, IAudioDecoder? Decoder = null);
