using System.Globalization;
using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Configuration;

/// <summary>How a trunk wants phone numbers written in the Request-URI and To.</summary>
internal enum NumberFormat
{
    /// <summary>As the API request gave it.</summary>
    AsDialed,

    /// <summary>E.164 with the plus: +15551234567.</summary>
    E164,

    /// <summary>E.164 digits without the plus: 15551234567 (many carriers' "+-less" trunks).</summary>
    Digits,
}

/// <summary>
/// One SIP trunk account (<c>Trunks:&lt;name&gt;:...</c>): where its proxy is and over which transport,
/// the domain of our identity there, the credentials that answer its challenges (the password from the
/// environment, <c>VOICEAGENT_Trunks__&lt;name&gt;__Password</c>; never logged), whether to keep it
/// registered, the caller id it expects and how it wants numbers written.
/// </summary>
internal sealed record TrunkSettings(
    string Name,
    SipNextHop Proxy,
    string Domain,
    DigestCredentials? Credentials,
    RegistrationOptions? Registration,
    string? CallerId,
    NumberFormat NumberFormat)
{
    /// <summary>The Request-URI that reaches <paramref name="number"/> through this trunk.</summary>
    public string UriFor(string number)
    {
        var digits = number.TrimStart('+');
        var user = NumberFormat switch
        {
            NumberFormat.E164 => "+" + digits,
            NumberFormat.Digits => digits,
            _ => number,
        };
        var transport = Proxy.Transport == SipTransportKind.Tcp ? ";transport=tcp" : string.Empty;
        return $"sip:{user}@{Domain}{transport}";
    }

    /// <summary>Reads the trunk under <paramref name="prefix"/> (<c>Trunks:&lt;name&gt;</c>, or the legacy single trunk under <c>Outbound</c>); null when it has no proxy and none is <paramref name="required"/>.</summary>
    public static TrunkSettings? Load(ConfigurationReader reader, string name, string prefix, bool required)
    {
        var username = reader.ReadString($"{prefix}:Username", string.Empty, allowEmpty: true);
        var password = reader.ReadString($"{prefix}:Password", string.Empty, allowEmpty: true);
        if ((username.Length == 0) != (password.Length == 0))
        {
            var variable = "VOICEAGENT_" + prefix.Replace(":", "__", StringComparison.Ordinal) + "__Password";
            throw new ConfigurationException($"{prefix}:Username and {prefix}:Password go together: set both (the password through the environment, {variable}) or neither.");
        }

        var proxyText = reader.ReadString($"{prefix}:Proxy", string.Empty, allowEmpty: true);
        if (proxyText.Length == 0)
        {
            if (required)
            {
                throw new ConfigurationException($"{prefix}:Proxy is required (host[:port][;transport=tcp], e.g. sip.example.net:5060).");
            }

            return null;
        }

        if (!SipNextHop.TryParse(proxyText, out var proxy, out var error))
        {
            throw new ConfigurationException($"{prefix}:Proxy must be host[:port][;transport=udp|tcp] (192.0.2.1:5060, sip.example.net;transport=tcp); got '{proxyText}': {error}.");
        }

        var transportText = reader.ReadString($"{prefix}:Transport", string.Empty, allowEmpty: true);
        if (transportText.Length > 0)
        {
            if (!SipTransportKinds.TryParse(transportText, out var transport))
            {
                throw new ConfigurationException($"{prefix}:Transport must be udp or tcp; got '{transportText}'.");
            }

            proxy = proxy! with { Transport = transport };
        }

        var domain = reader.ReadString($"{prefix}:Domain", proxy!.Port == SipNextHop.DefaultPort ? proxy.Host : $"{proxy.Host}:{proxy.Port.ToString(CultureInfo.InvariantCulture)}");

        // The one realm the trunk's challenges are answered for; unset: the first realm it challenges with (its registrar's), pinned.
        var realm = reader.ReadString($"{prefix}:Realm", string.Empty, allowEmpty: true);
        var credentials = username.Length == 0 ? null : new DigestCredentials(username, password) { Realm = realm.Length > 0 ? DigestRealm.Fixed(realm) : DigestRealm.FirstSeen() };
        var callerId = reader.ReadString($"{prefix}:CallerId", string.Empty, allowEmpty: true);
        if (callerId.Length > 0 && !OutboundCallRules.IsValidUser(callerId))
        {
            throw new ConfigurationException($"{prefix}:CallerId must be a SIP user part (letters, digits, + . _ -); got '{callerId}'.");
        }

        var formatText = reader.ReadString($"{prefix}:NumberFormat", "as-dialed");
        var format = formatText.ToLowerInvariant() switch
        {
            "as-dialed" => NumberFormat.AsDialed,
            "e164" => NumberFormat.E164,
            "digits" => NumberFormat.Digits,
            _ => throw new ConfigurationException($"{prefix}:NumberFormat must be as-dialed, e164 or digits; got '{formatText}'."),
        };

        RegistrationOptions? registration = null;
        if (reader.ReadBool($"{prefix}:Register", false))
        {
            var user = username.Length > 0 ? username : callerId.Length > 0 ? callerId : "voiceagent";
            registration = new RegistrationOptions(proxy, domain, user, credentials, TimeSpan.FromSeconds(reader.ReadInt($"{prefix}:RegisterExpiresSeconds", 300, 30, 86400)));
        }

        return new TrunkSettings(name, proxy, domain, credentials, registration, callerId.Length > 0 ? callerId : null, format);
    }
}
