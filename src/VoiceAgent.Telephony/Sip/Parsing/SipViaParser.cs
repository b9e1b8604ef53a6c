using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>
/// One via-parm (RFC 3261 §20.42, §25.1): sent-protocol LWS sent-by *(SEMI via-params). LWS is
/// allowed around '/', ':' is not split by it, parameters may be spaced (RFC 4475 §3.1.1.1).
/// </summary>
internal static class SipViaParser
{
    public static bool TryParse(string text, out SipVia? value)
    {
        value = null;
        var s = text.Trim();
        var semicolon = s.IndexOf(';');
        var head = semicolon >= 0 ? s[..semicolon] : s;
        var paramText = semicolon >= 0 ? s[semicolon..] : string.Empty;

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport
        var parts = head.Split('/');
        if (parts.Length != 3)
        {
            return false;
        }

        var name = parts[0].Trim();
        var version = parts[1].Trim();
        var transportAndHost = parts[2].Trim();
        var space = transportAndHost.IndexOfAny([' ', '\t', '\r', '\n']);
        if (space < 0)
        {
            return false;
        }

        var transport = transportAndHost[..space];
        var sentBy = transportAndHost[space..].Trim();
        if (!SipGrammar.IsToken(name) || !SipGrammar.IsToken(version) || !SipGrammar.IsToken(transport) || SipGrammar.ContainsWhitespace(sentBy))
        {
            return false;
        }

        if (!SipUriParser.TryParseHostPort(sentBy, out var host, out var port))
        {
            return false;
        }

        if (!SipParameterListParser.TryParse(paramText, out var parameters))
        {
            return false;
        }

        value = new SipVia(transport.ToUpperInvariant(), host, port, parameters);
        return true;
    }

    public static string Format(SipVia value)
    {
        var builder = new StringBuilder(96).Append("SIP/2.0/").Append(value.Transport).Append(' ').Append(value.Host);
        if (value.Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        SipParameterListParser.Format(builder, value.Parameters);
        return builder.ToString();
    }
}
