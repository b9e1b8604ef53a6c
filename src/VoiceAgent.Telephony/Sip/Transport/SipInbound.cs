using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>What arrived from the network: a parsed message, or why it could not be parsed; and over which transport (responses go back the same way, §18.2.2).</summary>
public sealed record SipInbound(SipMessage? Message, SipParseError? Error, IPEndPoint Remote, SipTransportKind Transport = SipTransportKind.Udp);
