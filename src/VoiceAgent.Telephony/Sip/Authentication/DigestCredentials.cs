namespace VoiceAgent.Telephony.Sip.Authentication;

/// <summary>A trunk account's user name and password. <see cref="ToString"/> never shows the password.</summary>
public sealed record DigestCredentials(string Username, string Password)
{
    /// <summary>The realm these credentials answer (RFC 3261 §22.1: a realm names a protection space); shared by the trunk's registration and calls.</summary>
    public DigestRealm Realm { get; init; } = DigestRealm.FirstSeen();

    public override string ToString() => $"DigestCredentials {{ Username = {Username}, Password = *** }}";
}
