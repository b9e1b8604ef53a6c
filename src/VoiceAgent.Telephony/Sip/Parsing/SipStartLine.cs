using System.Globalization;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>
/// Request-Line (Method SP Request-URI SP SIP-Version) or Status-Line (SIP-Version SP Status-Code
/// SP Reason-Phrase), RFC 3261 §7.1-7.2. Extra spaces between the elements and at the end are
/// tolerated (RFC 4475 §3.1.2.9-10); whitespace inside the Request-URI and a URI in angle
/// brackets are not (§3.1.2.7-8).
/// </summary>
internal sealed record SipStartLine
{
    public bool IsRequest { get; private init; }

    public string? Method { get; private init; }

    public string? RequestUri { get; private init; }

    public string? Version { get; private init; }

    public bool VersionUnsupported { get; private init; }

    public int StatusCode { get; private init; }

    public string? ReasonPhrase { get; private init; }

    public string? Error { get; private init; }

    public SipParseErrorKind ErrorKind { get; private init; }

    public static SipStartLine Parse(string line)
    {
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            return ParseStatusLine(line);
        }

        var trimmed = line.Trim(' ');
        var firstSpace = trimmed.IndexOf(' ');
        var lastSpace = trimmed.LastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace)
        {
            return Broken("malformed request line", SipParseErrorKind.NotSip);
        }

        var method = trimmed[..firstSpace];
        var version = trimmed[(lastSpace + 1)..];
        var uri = trimmed[firstSpace..lastSpace].Trim(' ');
        if (!SipGrammar.IsToken(method) || !version.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            return Broken("malformed request line", SipParseErrorKind.NotSip);
        }

        if (uri.Length == 0 || SipGrammar.ContainsWhitespace(uri) || uri[0] == '<')
        {
            return Broken($"malformed Request-URI '{SipMessageParser.Truncate(uri)}'", SipParseErrorKind.BadStartLine) with { IsRequest = true, Method = method };
        }

        var colon = uri.IndexOf(':');
        if (colon <= 0 || !SipGrammar.IsScheme(uri.AsSpan(0, colon)))
        {
            return Broken($"Request-URI without a scheme '{SipMessageParser.Truncate(uri)}'", SipParseErrorKind.BadStartLine) with { IsRequest = true, Method = method };
        }

        return new SipStartLine
        {
            IsRequest = true,
            Method = method,
            RequestUri = uri,
            Version = version,
            VersionUnsupported = !string.Equals(version, "SIP/2.0", StringComparison.OrdinalIgnoreCase),
        };
    }

    private static SipStartLine ParseStatusLine(string line)
    {
        var firstSpace = line.IndexOf(' ');
        if (firstSpace < 0 || !string.Equals(line[..firstSpace], "SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            return Broken("unsupported or malformed status line", SipParseErrorKind.UnsupportedVersion);
        }

        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf(' ');
        var codeText = secondSpace >= 0 ? rest[..secondSpace] : rest;
        // Status-Code = 3DIGIT, 100-699 (RFC 3261 §7.2; RFC 4475 §3.1.2.19).
        if (codeText.Length != 3 || !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 699)
        {
            return Broken($"invalid status code '{SipMessageParser.Truncate(codeText)}'", SipParseErrorKind.BadStartLine);
        }

        return new SipStartLine
        {
            IsRequest = false,
            Version = "SIP/2.0",
            StatusCode = code,
            ReasonPhrase = secondSpace >= 0 ? rest[(secondSpace + 1)..] : string.Empty,
        };
    }

    private static SipStartLine Broken(string error, SipParseErrorKind kind) => new() { Error = error, ErrorKind = kind };
}
