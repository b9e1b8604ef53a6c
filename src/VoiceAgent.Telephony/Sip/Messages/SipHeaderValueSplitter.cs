namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>
/// Splits a header value on the commas that separate values (RFC 3261 §7.3.1), ignoring commas
/// inside quoted strings and angle brackets (a display name or URI may contain them).
/// </summary>
public static class SipHeaderValueSplitter
{
    public static int FirstValueEnd(string value)
    {
        var inQuotes = false;
        var angle = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '<')
            {
                angle++;
            }
            else if (c == '>' && angle > 0)
            {
                angle--;
            }
            else if (c == ',' && angle == 0)
            {
                return i;
            }
        }

        return value.Length;
    }

    public static IEnumerable<string> Split(string value)
    {
        var rest = value;
        while (rest.Length > 0)
        {
            var end = FirstValueEnd(rest);
            var part = rest[..end].Trim();
            if (part.Length > 0)
            {
                yield return part;
            }

            rest = end < rest.Length ? rest[(end + 1)..] : string.Empty;
        }
    }
}
