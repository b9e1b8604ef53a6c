namespace VoiceAgent.Telephony.Sip.Parsing;

public enum SipParseErrorKind
{
    /// <summary>Not a SIP message at all (garbage, binary, empty, keep-alive CRLF).</summary>
    NotSip,
    /// <summary>Larger than the configured size limit.</summary>
    TooLarge,
    /// <summary>Broken start line (method, URI, status code, version).</summary>
    BadStartLine,
    /// <summary>SIP version other than 2.0 (505).</summary>
    UnsupportedVersion,
    /// <summary>A header line or header value that violates the grammar.</summary>
    BadHeader,
    /// <summary>A mandatory header (Via, From, To, Call-ID, CSeq, Max-Forwards for requests) missing or duplicated.</summary>
    MissingOrDuplicateHeader,
    /// <summary>Content-Length missing where needed, negative, conflicting or larger than the body.</summary>
    BadContentLength,
}
