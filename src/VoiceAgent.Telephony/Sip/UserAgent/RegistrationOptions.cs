using VoiceAgent.Telephony.Sip.Authentication;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>An account to register (RFC 3261 §10): where, as whom, for how long.</summary>
/// <param name="Registrar">The registrar (the trunk's proxy): host or address, port, and the transport REGISTER and our Contact use.</param>
/// <param name="Domain">Host of the address-of-record and the Request-URI (the registrar's domain).</param>
/// <param name="User">User part of the address-of-record.</param>
/// <param name="Credentials">Answers the registrar's Digest challenge; null when it does not ask.</param>
/// <param name="Expires">Requested binding lifetime; the registrar may shorten it.</param>
public sealed record RegistrationOptions(Transport.SipNextHop Registrar, string Domain, string User, DigestCredentials? Credentials, TimeSpan Expires)
{
    /// <summary>First retry delay after a failure; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);
}
