namespace VoiceAgent.Telephony.Sip.Authentication;

/// <summary>
/// A parsed <c>WWW-Authenticate</c> / <c>Proxy-Authenticate</c> Digest challenge (RFC 3261 §22.4,
/// RFC 7616 §3.3, RFC 8760): realm, nonce, opaque, algorithm (MD5, SHA-256, their -sess forms), qop options.
/// </summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, IReadOnlyList<string> QopOptions, bool Stale)
{
    /// <summary>Parses one Digest challenge; false for other schemes or a challenge without realm and nonce.</summary>
    public static bool TryParse(string header, out DigestChallenge? challenge)
    {
        challenge = null;
        var text = header.Trim();
        if (!text.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || (text.Length > 6 && !char.IsWhiteSpace(text[6])))
        {
            return false;
        }

        var parameters = DigestParameters.Parse(text[6..]);
        if (!parameters.TryGetValue("realm", out var realm) || !parameters.TryGetValue("nonce", out var nonce))
        {
            return false;
        }

        var qop = parameters.TryGetValue("qop", out var q)
            ? q.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o => o.ToLowerInvariant()).ToList()
            : [];
        challenge = new DigestChallenge(
            realm,
            nonce,
            parameters.GetValueOrDefault("opaque"),
            parameters.TryGetValue("algorithm", out var algorithm) ? algorithm.ToUpperInvariant() : "MD5",
            qop,
            parameters.TryGetValue("stale", out var stale) && stale.Equals("true", StringComparison.OrdinalIgnoreCase));
        return true;
    }
}

/// <summary>auth-param lists: <c>name=token</c> or <c>name="quoted, string"</c>, comma-separated (RFC 7235 §2.1).</summary>
internal static class DigestParameters
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
            {
                i++;
            }

            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var name = text[nameStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i++]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                value = text[valueStart..i].Trim();
            }

            if (name.Length > 0)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
