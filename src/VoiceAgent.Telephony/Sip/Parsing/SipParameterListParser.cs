namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>
/// Parses <c>;name[=value]</c> lists (header parameters of Via, From, To, Contact; RFC 3261 §25.1
/// generic-param), tolerating LWS around ';' and '=' as the grammar's SEMI and EQUAL allow.
/// Values may be quoted strings. An empty name (";;") fails.
/// </summary>
internal static class SipParameterListParser
{
    public static bool TryParse(string text, out List<KeyValuePair<string, string?>> parameters)
    {
        parameters = [];
        var i = 0;
        while (i < text.Length)
        {
            SkipWhitespace(text, ref i);
            if (i >= text.Length)
            {
                return true;
            }

            if (text[i] != ';')
            {
                return false;
            }

            i++;
            SkipWhitespace(text, ref i);
            var nameStart = i;
            while (i < text.Length && SipGrammar.IsTokenChar(text[i]))
            {
                i++;
            }

            var name = text[nameStart..i];
            if (name.Length == 0)
            {
                return false;
            }

            SkipWhitespace(text, ref i);
            string? value = null;
            if (i < text.Length && text[i] == '=')
            {
                i++;
                SkipWhitespace(text, ref i);
                if (!TryReadValue(text, ref i, out value))
                {
                    return false;
                }
            }

            parameters.Add(new(name, value));
        }

        return true;
    }

    private static bool TryReadValue(string text, ref int i, out string? value)
    {
        value = null;
        if (i < text.Length && text[i] == '"')
        {
            var start = i;
            i++;
            while (i < text.Length && text[i] != '"')
            {
                i += text[i] == '\\' ? 2 : 1;
            }

            if (i >= text.Length)
            {
                return false;
            }

            i++;
            value = text[start..i];
            return true;
        }

        var valueStart = i;
        // Values are tokens, hosts or IPv6 references ([::1]).
        while (i < text.Length && (SipGrammar.IsTokenChar(text[i]) || text[i] is ':' or '[' or ']'))
        {
            i++;
        }

        value = text[valueStart..i];
        return value.Length > 0;
    }

    private static void SkipWhitespace(string text, ref int i)
    {
        while (i < text.Length && SipGrammar.IsWhitespace(text[i]))
        {
            i++;
        }
    }

    public static void Format(System.Text.StringBuilder builder, IReadOnlyList<KeyValuePair<string, string?>> parameters)
    {
        foreach (var p in parameters)
        {
            builder.Append(';').Append(p.Key);
            if (p.Value is not null)
            {
                builder.Append('=').Append(p.Value);
            }
        }
    }
}
