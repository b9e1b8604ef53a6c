using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>Why a message was rejected, and what is needed to answer it.</summary>
/// <param name="Kind">Category of the failure.</param>
/// <param name="Detail">Human-readable reason (goes into logs and the Reason-Phrase/Warning).</param>
/// <param name="SuggestedStatus">The response a UAS should send (400, 505, 513, ...), or 0 when the message must be dropped (a broken response, or no way to address a reply).</param>
/// <param name="PartialRequest">
/// When the start line was a request and Via, From, To, Call-ID and CSeq could be read, a request
/// holding those headers so a response can be addressed (RFC 3261 §8.2: answer whenever possible); else null.
/// </param>
public sealed record SipParseError(SipParseErrorKind Kind, string Detail, int SuggestedStatus, SipRequest? PartialRequest);
