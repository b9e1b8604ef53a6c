namespace VoiceAgent.Telephony.Sip.Authentication;

/// <summary>A trunk account's user name and password. <see cref="ToString"/> never shows the password.</summary>
public sealed record DigestCredentials(string Username, string Password)
{
    public override string ToString() => $"DigestCredentials {{ Username = {Username}, Password = *** }}";
}
