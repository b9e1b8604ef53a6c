namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>Lookup in a <c>;name=value</c> list (URI, Via and header parameters): names are case-insensitive (RFC 3261 §7.3.1).</summary>
internal static class SipParameters
{
    /// <summary>The value, "" for a flag parameter, null when absent.</summary>
    public static string? Find(IReadOnlyList<KeyValuePair<string, string?>> parameters, string name)
    {
        foreach (var p in parameters)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value ?? string.Empty;
            }
        }

        return null;
    }
}
