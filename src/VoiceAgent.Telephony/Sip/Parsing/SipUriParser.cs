using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>SIP-URI / SIPS-URI (RFC 3261 §19.1.1, §25.1); other schemes keep their text after the colon.</summary>
internal static class SipUriParser
{
    public static bool TryParse(string text, out SipUri? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text) || SipGrammar.ContainsWhitespace(text))
        {
            return false;
        }

        var colon = text.IndexOf(':');
        if (colon <= 0 || !SipGrammar.IsScheme(text.AsSpan(0, colon)))
        {
            return false;
        }

        var scheme = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..];
        if (scheme is not ("sip" or "sips"))
        {
            if (rest.Length == 0)
            {
                return false;
            }

            value = new SipUri(scheme, null, rest, null, [], null);
            return true;
        }

        // userinfo may itself hold ';' and '?' (RFC 4475 §3.1.1.2, §3.1.1.9): the host starts after the last '@'.
        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
            if (user.Length == 0)
            {
                return false;
            }
        }

        string? headers = null;
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            headers = rest[(question + 1)..];
            rest = rest[..question];
        }

        var semicolon = rest.IndexOf(';');
        var hostPort = semicolon >= 0 ? rest[..semicolon] : rest;
        var parameters = new List<KeyValuePair<string, string?>>();
        if (semicolon >= 0 && !TryParseUriParameters(rest[semicolon..], parameters))
        {
            return false;
        }

        if (!TryParseHostPort(hostPort, out var host, out var port))
        {
            return false;
        }

        value = new SipUri(scheme, user, host, port, parameters, headers);
        return true;
    }

    /// <summary>host[:port] where host is a name, IPv4 or [IPv6] reference (RFC 3261 §25.1 hostport).</summary>
    public static bool TryParseHostPort(string text, out string host, out int? port)
    {
        host = string.Empty;
        port = null;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = text[..(close + 1)];
            portText = text[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                return false;
            }
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[colon..] : string.Empty;
            if (host.Length == 0)
            {
                return false;
            }

            foreach (var c in host)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
                {
                    return false;
                }
            }
        }

        if (portText.Length > 0)
        {
            if (!int.TryParse(portText.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return false;
            }

            port = p;
        }

        return true;
    }

    private static bool TryParseUriParameters(string text, List<KeyValuePair<string, string?>> parameters)
    {
        foreach (var part in text.Split(';'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = eq >= 0 ? part[..eq] : part;
            if (name.Length == 0)
            {
                return false;
            }

            parameters.Add(new(name, eq >= 0 ? part[(eq + 1)..] : null));
        }

        return true;
    }

    public static string Format(SipUri value)
    {
        if (!value.IsSip)
        {
            return $"{value.Scheme}:{value.Host}";
        }

        var builder = new StringBuilder(64).Append(value.Scheme).Append(':');
        if (value.User is not null)
        {
            builder.Append(value.User).Append('@');
        }

        builder.Append(value.Host);
        if (value.Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        SipParameterListParser.Format(builder, value.Parameters);
        if (value.Headers is not null)
        {
            builder.Append('?').Append(value.Headers);
        }

        return builder.ToString();
    }
}
