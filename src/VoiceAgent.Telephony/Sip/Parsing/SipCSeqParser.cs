using System.Globalization;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>CSeq = 1*DIGIT LWS Method; the number must fit in 32 bits (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.4).</summary>
internal static class SipCSeqParser
{
    public static bool TryParse(string? text, out SipCSeq value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || !SipGrammar.IsToken(parts[1]))
        {
            return false;
        }

        value = new SipCSeq(number, parts[1]);
        return true;
    }
}
