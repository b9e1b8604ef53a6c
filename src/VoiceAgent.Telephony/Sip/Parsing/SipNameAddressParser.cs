using System.Text;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>
/// name-addr / addr-spec followed by header parameters (RFC 3261 §20.10, §25.1). Without angle
/// brackets, everything after the first ';' is a header parameter, not a URI parameter.
/// </summary>
internal static class SipNameAddressParser
{
    public static bool TryParse(string text, out SipNameAddress? value)
    {
        value = null;
        var s = text.Trim();
        if (s.Length == 0)
        {
            return false;
        }

        string? display = null;
        var i = 0;
        if (s[0] == '"')
        {
            i = 1;
            while (i < s.Length && s[i] != '"')
            {
                i += s[i] == '\\' ? 2 : 1;
            }

            if (i >= s.Length)
            {
                return false; // RFC 4475 §3.1.2.6: unterminated quoted display name.
            }

            display = s[..(i + 1)];
            i++;
            while (i < s.Length && SipGrammar.IsWhitespace(s[i]))
            {
                i++;
            }

            if (i >= s.Length || s[i] != '<')
            {
                return false;
            }
        }

        var open = s.IndexOf('<', i);
        string uri;
        string rest;
        if (open >= 0)
        {
            if (display is null)
            {
                var token = s[..open].Trim();
                if (token.Length > 0)
                {
                    // Unquoted display names are tokens separated by LWS (RFC 4475 §3.1.2.15).
                    foreach (var word in token.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!SipGrammar.IsToken(word))
                        {
                            return false;
                        }
                    }

                    display = token;
                }
            }

            var close = s.IndexOf('>', open);
            if (close < 0)
            {
                return false;
            }

            uri = s[(open + 1)..close].Trim();
            rest = s[(close + 1)..];
        }
        else
        {
            if (display is not null)
            {
                return false;
            }

            var semicolon = s.IndexOf(';');
            uri = semicolon >= 0 ? s[..semicolon].Trim() : s;
            rest = semicolon >= 0 ? s[semicolon..] : string.Empty;
        }

        if (!IsAbsoluteUri(uri) || !SipParameterListParser.TryParse(rest, out var parameters))
        {
            return false;
        }

        value = new SipNameAddress(display, uri, parameters);
        return true;
    }

    private static bool IsAbsoluteUri(string uri)
    {
        var colon = uri.IndexOf(':');
        return colon > 0 && colon < uri.Length - 1 && SipGrammar.IsScheme(uri.AsSpan(0, colon)) && !SipGrammar.ContainsWhitespace(uri);
    }

    public static string Format(SipNameAddress value)
    {
        var builder = new StringBuilder(96);
        if (!string.IsNullOrEmpty(value.DisplayName))
        {
            builder.Append(value.DisplayName).Append(' ');
        }

        builder.Append('<').Append(value.Uri).Append('>');
        SipParameterListParser.Format(builder, value.Parameters);
        return builder.ToString();
    }
}
