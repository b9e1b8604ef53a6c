using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

internal static class SipUriParser
{
    public static bool TryParse(string text, out SipUri? value) => throw new NotImplementedException("sip-parse helper fills this in");

    public static string Format(SipUri value) => throw new NotImplementedException("sip-parse helper fills this in");
}
