namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A baresip account registered at a trunk: its AOR is <c>user@domain</c>, it answers Digest
/// challenges with the account's password, and every request goes to the trunk (outbound proxy)
/// over <see cref="Transport"/>.
/// </summary>
/// <param name="Transport">udp or tcp.</param>
internal sealed record BaresipRegistration(TrunkAccount Account, string Domain, int ProxyPort, string Transport)
{
    /// <summary>The address others dial to reach this account through the trunk.</summary>
    public string Aor => $"sip:{Account.User}@{Domain}";

    /// <summary>
    /// The account line of baresip 1.0's accounts file. For TCP the AOR carries transport=tcp:
    /// baresip then registers a Contact with that parameter, and the trunk reaches it back over TCP
    /// (RFC 3263 §4.1). UDP is the default and needs none.
    /// </summary>
    public string AccountLine => Transport switch
    {
        "udp" => $"<{Aor}>;{Parameters}",
        "tcp" => $"<{Aor};transport=tcp>;{Parameters}",
        _ => throw new ArgumentException($"baresip registers over udp or tcp, not '{Transport}'.", nameof(Transport)),
    };

    private string Parameters => $"auth_pass={Account.Password};outbound=\"sip:127.0.0.1:{ProxyPort};transport={Transport}\";regint=60";
}
