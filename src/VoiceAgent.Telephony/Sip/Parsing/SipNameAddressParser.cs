using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

internal static class SipNameAddressParser
{
    public static bool TryParse(string text, out SipNameAddress? value) => throw new NotImplementedException("sip-parse helper fills this in");

    public static string Format(SipNameAddress value) => throw new NotImplementedException("sip-parse helper fills this in");
}
