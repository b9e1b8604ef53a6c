using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

internal static class SipCSeqParser
{
    public static bool TryParse(string? text, out SipCSeq value) => throw new NotImplementedException("sip-parse helper fills this in");
}
