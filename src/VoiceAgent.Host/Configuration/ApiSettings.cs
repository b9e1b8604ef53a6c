using System.Net;

namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Api</c> section: the key every HTTP API request must carry, the host names it answers to, and the speech API's limits.</summary>
/// <param name="Key">Bearer token for <c>/v1</c> and the API documents; null leaves the API open, which is allowed on loopback only.</param>
/// <param name="AllowedHosts">Api:AllowedHosts: names (or <c>*.example.com</c>) accepted in Host and Origin besides IP literals and localhost.</param>
/// <param name="MaxConcurrentSpeech">Api:MaxConcurrentSpeech: speech API requests synthesizing at once; more get 429.</param>
/// <param name="MaxSpeechBytes">Api:MaxSpeechBytes: the most audio a non-streamed speech response buffers before it is refused (413).</param>
internal sealed record ApiSettings(string? Key, IReadOnlyList<string> AllowedHosts, int MaxConcurrentSpeech, int MaxSpeechBytes)
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
            // Every place an address can be bound from configuration: Urls and each Kestrel endpoint.
            var bindings = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => (Key: "Urls", Url: url))
                .Concat(reader.ReadSectionNames("Kestrel:Endpoints").Select(name => (Key: $"Kestrel:Endpoints:{name}:Url", Url: reader.ReadString($"Kestrel:Endpoints:{name}:Url", string.Empty, allowEmpty: true))));
            foreach (var (bindingKey, url) in bindings)
            {
                if (!IsLoopback(url))
                {
                    throw new ConfigurationException($"{bindingKey} binds the HTTP API to '{url}', which is not loopback, and Api:Key is not set: set Api:Key (callers then send 'Authorization: Bearer <key>') or listen on 127.0.0.1.");
                }
            }
        }

        var allowedHosts = new List<string>();
        foreach (var (name, value) in reader.ReadChildren("Api:AllowedHosts"))
        {
            var host = value.ToLowerInvariant();
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (Uri.CheckHostName(bare) != UriHostNameType.Dns)
            {
                throw new ConfigurationException($"Api:AllowedHosts:{name} must be a host name or *.domain; got '{value}'.");
            }

            allowedHosts.Add(host);
        }

        return new ApiSettings(
            key.Length == 0 ? null : key,
            allowedHosts,
            reader.ReadInt("Api:MaxConcurrentSpeech", Math.Max(2, Environment.ProcessorCount), 1, 10_000),
            reader.ReadInt("Api:MaxSpeechBytes", 32 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024));
    }

    /// <summary>True when <paramref name="url"/> can only be reached from this machine.</summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (*, +, 0.0.0.0, [::]) are not valid Uri hosts; treat anything unparsable as open to the network.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
