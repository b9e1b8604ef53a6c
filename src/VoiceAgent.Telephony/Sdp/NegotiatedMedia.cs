using System.Net;

namespace VoiceAgent.Telephony.Sdp;

/// <summary>The outcome of answering an audio offer: what to send, where, and which m= line it was.</summary>
/// <param name="Codec">Encoding name we send (opus, G722, PCMU, PCMA).</param>
/// <param name="PayloadType">Payload type for it (the offerer's number).</param>
/// <param name="ClockRate">RTP clock rate of the codec.</param>
/// <param name="Channels">Channels in the rtpmap (2 for opus, RFC 7587 §7).</param>
/// <param name="RemoteFormat">The offer's fmtp for the codec, or null.</param>
/// <param name="TelephoneEventPayloadType">The offerer's telephone-event payload type, or null when not offered.</param>
/// <param name="TelephoneEventClockRate">Clock rate of that telephone-event.</param>
/// <param name="RemoteRtp">Where the offer asks us to send RTP (before symmetric-RTP latching).</param>
/// <param name="MediaIndex">Index of the accepted m=audio line; the others are answered with port 0.</param>
/// <param name="Direction">Direction attribute of our answer (RFC 3264 §6.1).</param>
public sealed record NegotiatedMedia(
    string Codec,
    int PayloadType,
    int ClockRate,
    int Channels,
    string? RemoteFormat,
    int? TelephoneEventPayloadType,
    int TelephoneEventClockRate,
    IPEndPoint RemoteRtp,
    int MediaIndex,
    string Direction);
