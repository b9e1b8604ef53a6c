using System.Net;

namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Outbound</c> section: calls placed through <c>POST /v1/calls</c>.</summary>
/// <param name="FromUser">Outbound:From, the user part of our From (caller id) unless a request names one.</param>
/// <param name="Proxy">Outbound:Proxy (ip:port), where every INVITE goes (an SBC or trunk); needed to call phone numbers.</param>
/// <param name="MaxConcurrentCalls">Outbound:MaxConcurrentCalls, the campaign limit; more get 429.</param>
/// <param name="Credentials">Outbound:Username and Outbound:Password: answers the trunk's 401/407 Digest challenges.</param>
/// <param name="Register">Outbound:Register: keep the account registered at Outbound:Proxy (Outbound:Domain, Outbound:RegisterExpiresSeconds).</param>
internal sealed record OutboundSettings(string FromUser, IPEndPoint? Proxy, int MaxConcurrentCalls, VoiceAgent.Telephony.Sip.Authentication.DigestCredentials? Credentials = null, VoiceAgent.Telephony.Sip.UserAgent.RegistrationOptions? Register = null)
{
    public static OutboundSettings Load(ConfigurationReader reader)
    {
        var from = reader.ReadString("Outbound:From", "voiceagent");
        if (!OutboundCallRules.IsValidUser(from))
        {
            throw new ConfigurationException($"Outbound:From must be a SIP user part (letters, digits, + . _ -); got '{from}'.");
        }

        IPEndPoint? proxy = null;
        var proxyText = reader.ReadString("Outbound:Proxy", string.Empty, allowEmpty: true);
        if (proxyText.Length > 0 && !IPEndPoint.TryParse(proxyText.Contains(':', StringComparison.Ordinal) ? proxyText : proxyText + ":5060", out proxy))
        {
            throw new ConfigurationException($"Outbound:Proxy must be an IP address with an optional port (192.0.2.1:5060); got '{proxyText}'.");
        }

        var username = reader.ReadString("Outbound:Username", string.Empty, allowEmpty: true);
        var password = reader.ReadString("Outbound:Password", string.Empty, allowEmpty: true);
        if ((username.Length == 0) != (password.Length == 0))
        {
            throw new ConfigurationException("Outbound:Username and Outbound:Password go together: set both (the password through the environment, VOICEAGENT_Outbound__Password) or neither.");
        }

        var credentials = username.Length == 0 ? null : new VoiceAgent.Telephony.Sip.Authentication.DigestCredentials(username, password);
        VoiceAgent.Telephony.Sip.UserAgent.RegistrationOptions? register = null;
        if (reader.ReadBool("Outbound:Register", false))
        {
            if (proxy is null)
            {
                throw new ConfigurationException("Outbound:Register needs Outbound:Proxy (the registrar's ip:port).");
            }

            register = new VoiceAgent.Telephony.Sip.UserAgent.RegistrationOptions(
                proxy,
                reader.ReadString("Outbound:Domain", proxy.Address.ToString()),
                username.Length > 0 ? username : from,
                credentials,
                TimeSpan.FromSeconds(reader.ReadInt("Outbound:RegisterExpiresSeconds", 300, 30, 86400)));
        }

        return new OutboundSettings(from, proxy, reader.ReadInt("Outbound:MaxConcurrentCalls", 10, 1, 10000), credentials, register);
    }
}

/// <summary>What a callee and a caller id may look like.</summary>
internal static class OutboundCallRules
{
    public static bool IsValidUser(string user) => user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '_' or '-');

    /// <summary>A phone number as trunks take it: an optional +, then 3 to 15 digits (E.164 length).</summary>
    public static bool IsPhoneNumber(string text) => text.TrimStart('+') is { Length: >= 3 and <= 15 } digits && digits.All(char.IsAsciiDigit) && text.LastIndexOf('+') <= 0;
}
