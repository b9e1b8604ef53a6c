using System.Net;

namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Api</c> section: the key every HTTP API request must carry (Api:Key).</summary>
/// <param name="Key">Bearer token for <c>/v1</c> and the API documents; null leaves the API open, which is allowed on loopback only.</param>
internal sealed record ApiSettings(string? Key)
{
    public static ApiSettings Load(ConfigurationReader reader, string? urls)
    {
        var key = reader.ReadString("Api:Key", string.Empty, allowEmpty: true);
        if (key.Length > 0 && key.Length < 16)
        {
            throw new ConfigurationException("Api:Key must be at least 16 characters.");
        }

        if (key.Length == 0)
        {
            foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!IsLoopback(url))
                {
                    throw new ConfigurationException($"Urls binds the HTTP API to '{url}', which is not loopback, and Api:Key is not set: set Api:Key (callers then send 'Authorization: Bearer <key>') or listen on 127.0.0.1.");
                }
            }
        }

        return new ApiSettings(key.Length == 0 ? null : key);
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (*, +, 0.0.0.0, [::]) are not valid Uri hosts; treat anything unparsable as open to the network.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
