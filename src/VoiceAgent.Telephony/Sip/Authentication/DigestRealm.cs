namespace VoiceAgent.Telephony.Sip.Authentication;

/// <summary>
/// The one realm a trunk account answers challenges for (Trunks:&lt;name&gt;:Realm). Configured, or
/// else the first realm the trunk itself challenges with (its registrar's, when it registers), then
/// pinned: a challenge for any other realm, from anyone, is not answered, so our credentials' hash
/// never goes to a host that merely asks for it.
/// </summary>
public sealed class DigestRealm
{
    private string? _value;

    private DigestRealm(string? value) => _value = value;

    /// <summary>The realm answered: configured, pinned, or null while none has been seen.</summary>
    public string? Value => Volatile.Read(ref _value);

    public static DigestRealm Fixed(string realm) => new(realm);

    /// <summary>Pinned to the first realm the trunk challenges with.</summary>
    public static DigestRealm FirstSeen() => new(null);

    /// <summary>Whether a challenge for <paramref name="realm"/> may be answered; the first one seen is pinned when none is configured.</summary>
    public bool Accepts(string realm)
    {
        var current = Interlocked.CompareExchange(ref _value, realm, null) ?? realm;
        return string.Equals(current, realm, StringComparison.Ordinal);
    }
}
