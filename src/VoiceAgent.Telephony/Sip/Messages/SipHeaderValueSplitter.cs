namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>
/// Splits a header value on the commas that separate values (RFC 3261 §7.3.1), ignoring commas
/// inside quoted strings and angle brackets (a display name or URI may contain them).
/// </summary>
public static class SipHeaderValueSplitter
{
    public static int FirstValueEnd(string value) => ValueEnd(value, 0);

    /// <summary>Index of the comma ending the value that starts at <paramref name="start"/>, or the length.</summary>
    private static int ValueEnd(string value, int start)
    {
        var inQuotes = false;
        var angle = 0;
        for (var i = start; i < value.Length; i++)
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

    /// <summary>The values in order; linear in the header's length (each value is copied once, not the rest of the header per value).</summary>
    public static IEnumerable<string> Split(string value)
    {
        var start = 0;
        while (start < value.Length)
        {
            var end = ValueEnd(value, start);
            var part = Trimmed(value, start, end);
            if (part.Length > 0)
            {
                yield return part;
            }

            start = end + 1;
        }
    }

    private static string Trimmed(string value, int start, int end) => value.AsSpan(start, end - start).Trim().ToString();
}
