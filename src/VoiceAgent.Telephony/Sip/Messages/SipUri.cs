namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1): <c>sip:user@host:port;params?headers</c>. Other schemes
/// (tel:, unknown) parse with <see cref="Scheme"/> set and the rest kept in <see cref="Host"/> verbatim.
/// </summary>
public sealed record SipUri(
    string Scheme,
    string? User,
    string Host,
    int? Port,
    IReadOnlyList<KeyValuePair<string, string?>> Parameters,
    string? Headers)
{
    /// <summary>Parses a URI. Returns false (never throws) when the text is not a URI.</summary>
    public static bool TryParse(string text, out SipUri? uri) => Parsing.SipUriParser.TryParse(text, out uri);

    public bool IsSip => Scheme is "sip" or "sips";

    /// <summary>Value of a URI parameter (case-insensitive name), "" for a flag parameter, null when absent.</summary>
    public string? GetParameter(string name) => SipParameters.Find(Parameters, name);

    public override string ToString() => Parsing.SipUriParser.Format(this);
}
