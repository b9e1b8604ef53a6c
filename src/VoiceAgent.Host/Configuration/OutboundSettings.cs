namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Outbound</c> section and the <c>Trunks</c> it places calls through (<c>POST /v1/calls</c>).</summary>
/// <param name="FromUser">Outbound:From, the user part of our From (caller id) unless the request or the trunk names one.</param>
/// <param name="MaxConcurrentCalls">Outbound:MaxConcurrentCalls, the campaign limit; more get 429.</param>
/// <param name="Trunks">Trunks:&lt;name&gt; accounts, plus <c>default</c> from the legacy Outbound:Proxy keys.</param>
/// <param name="DefaultTrunk">Outbound:DefaultTrunk, or the only trunk: where phone numbers go when a request names no trunk.</param>
/// <param name="EarlyMedia">Outbound:EarlyMedia: <c>ignore</c> (183 is ringing) or <c>accept</c> (its SDP starts media before the answer).</param>
/// <param name="AllowedDestinations">Outbound:AllowedDestinations: the number prefixes and SIP host patterns calls may go to.</param>
internal sealed record OutboundSettings(string FromUser, int MaxConcurrentCalls, IReadOnlyDictionary<string, TrunkSettings> Trunks, TrunkSettings? DefaultTrunk, bool EarlyMedia, AllowedDestinations AllowedDestinations)
{
    public static OutboundSettings Load(ConfigurationReader reader)
    {
        var from = reader.ReadString("Outbound:From", "voiceagent");
        if (!OutboundCallRules.IsValidUser(from))
        {
            throw new ConfigurationException($"Outbound:From must be a SIP user part (letters, digits, + . _ -); got '{from}'.");
        }

        var trunks = new Dictionary<string, TrunkSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in reader.ReadSectionNames("Trunks"))
        {
            if (!OutboundCallRules.IsValidUser(name))
            {
                throw new ConfigurationException($"Trunks:{name}: a trunk name is letters, digits, . _ - (it appears in the API's \"trunk\" field).");
            }

            trunks[name] = TrunkSettings.Load(reader, name, $"Trunks:{name}", required: true)!;
        }

        // The single trunk of earlier versions (Outbound:Proxy, Outbound:Username...) keeps working as "default".
        if (TrunkSettings.Load(reader, "default", "Outbound", required: false) is { } legacy)
        {
            if (!trunks.TryAdd(legacy.Name, legacy))
            {
                throw new ConfigurationException("Outbound:Proxy and Trunks:default both define the trunk 'default'; keep one.");
            }
        }

        var defaultName = reader.ReadString("Outbound:DefaultTrunk", string.Empty, allowEmpty: true);
        TrunkSettings? defaultTrunk = null;
        if (defaultName.Length > 0 && !trunks.TryGetValue(defaultName, out defaultTrunk))
        {
            throw new ConfigurationException($"Outbound:DefaultTrunk '{defaultName}' is not a configured trunk ({(trunks.Count == 0 ? "none is" : string.Join(", ", trunks.Keys) + " are")}).");
        }

        defaultTrunk ??= trunks.Count == 1 ? trunks.Values.Single() : trunks.GetValueOrDefault("default");
        var earlyMedia = reader.ReadString("Outbound:EarlyMedia", "ignore").ToLowerInvariant() switch
        {
            "ignore" => false,
            "accept" => true,
            var other => throw new ConfigurationException($"Outbound:EarlyMedia must be ignore or accept; got '{other}'."),
        };

        return new OutboundSettings(from, reader.ReadInt("Outbound:MaxConcurrentCalls", 10, 1, 10000), trunks, defaultTrunk, earlyMedia, AllowedDestinations.Load(reader));
    }
}

/// <summary>What a callee and a caller id may look like.</summary>
internal static class OutboundCallRules
{
    public static bool IsValidUser(string user) => user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '_' or '-');

    /// <summary>A phone number as trunks take it: an optional +, then 3 to 15 digits (E.164 length).</summary>
    public static bool IsPhoneNumber(string text) => text.TrimStart('+') is { Length: >= 3 and <= 15 } digits && digits.All(char.IsAsciiDigit) && text.LastIndexOf('+') <= 0;
}
