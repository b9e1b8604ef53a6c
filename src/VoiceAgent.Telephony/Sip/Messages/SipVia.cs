namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>One Via value (RFC 3261 §20.42): SIP/2.0/UDP host:port;branch=...;received=...;rport.</summary>
public sealed record SipVia(
    string Transport,
    string Host,
    int? Port,
    IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie.</summary>
    public const string MagicCookie = "z9hG4bK";

    public static bool TryParse(string text, out SipVia? via) => Parsing.SipViaParser.TryParse(text, out via);

    public string? Branch => GetParameter("branch");

    public string? Received => GetParameter("received");

    /// <summary>RFC 3581: "" when the flag is present without a value, the port when filled in, null when absent.</summary>
    public string? RPort => GetParameter("rport");

    public bool HasMagicCookieBranch => Branch is { Length: > 7 } b && b.StartsWith(MagicCookie, StringComparison.Ordinal);

    public string? GetParameter(string name) => SipParameters.Find(Parameters, name);

    public SipVia WithParameter(string name, string? value)
    {
        var list = new List<KeyValuePair<string, string?>>(Parameters.Count + 1);
        var replaced = false;
        foreach (var p in Parameters)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(new(p.Key, value));
                replaced = true;
            }
            else
            {
                list.Add(p);
            }
        }

        if (!replaced)
        {
            list.Add(new(name, value));
        }

        return this with { Parameters = list };
    }

    public override string ToString() => Parsing.SipViaParser.Format(this);
}
