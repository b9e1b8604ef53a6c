using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>Writes a message to wire bytes, setting Content-Length from the body (RFC 3261 §20.14).</summary>
public static class SipMessageSerializer
{
    public static byte[] Serialize(SipMessage message) => throw new NotImplementedException("sip-parse helper fills this in");
}
