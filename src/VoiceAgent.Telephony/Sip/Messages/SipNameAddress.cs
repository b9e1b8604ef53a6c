namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>
/// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39): the value of From,
/// To, Contact, Route, Record-Route. <see cref="Uri"/> is kept as text so unknown schemes survive.
/// </summary>
public sealed record SipNameAddress(
    string? DisplayName,
    string Uri,
    IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    public static bool TryParse(string text, out SipNameAddress? value) => Parsing.SipNameAddressParser.TryParse(text, out value);

    /// <summary>The <c>tag</c> parameter (RFC 3261 §19.3), or null.</summary>
    public string? Tag => GetParameter("tag");

    public string? GetParameter(string name) => SipParameters.Find(Parameters, name);

    /// <summary>A copy with the parameter set (added or replaced).</summary>
    public SipNameAddress WithParameter(string name, string? value)
    {
        var list = new List<KeyValuePair<string, string?>>(Parameters.Count + 1);
        foreach (var p in Parameters)
        {
            if (!string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(p);
            }
        }

        list.Add(new(name, value));
        return this with { Parameters = list };
    }

    /// <summary>Always writes the name-addr form with angle brackets.</summary>
    public override string ToString() => Parsing.SipNameAddressParser.Format(this);
}
