using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

internal static class SipViaParser
{
    public static bool TryParse(string text, out SipVia? value) => throw new NotImplementedException("sip-parse helper fills this in");

    public static string Format(SipVia value) => throw new NotImplementedException("sip-parse helper fills this in");
}
