namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Identity of the user agent on the wire.</summary>
/// <param name="PublicAddress">Host for Contact and Via (Sip:PublicAddress).</param>
/// <param name="Port">Port for Contact and Via.</param>
public sealed record SipUserAgentOptions(string PublicAddress, int Port)
{
    public Transactions.SipTimerOptions Timers { get; init; } = new();

    /// <summary>Calls (both directions) above which new INVITEs get 503 with Retry-After; 0 = no limit.</summary>
    public int MaxConcurrentCalls { get; init; }

    /// <summary>The shortest session interval we accept (RFC 4028 Min-SE); shorter gets 422. 90 s is the RFC's floor; tests lower it.</summary>
    public int MinSessionExpiresSeconds { get; init; } = SessionTimer.MinimumSeconds;

    /// <summary>The session interval we ask for on our INVITEs (RFC 4028 §7.1).</summary>
    public int SessionExpiresSeconds { get; init; } = SessionTimer.DefaultSeconds;

    /// <summary>New INVITEs per second allowed from one source address (burst of 4x); 0 = no limit.</summary>
    public double InvitesPerSecondPerSource { get; init; }

    /// <summary>Who may start calls (Sip:InboundFrom; the host's default is <see cref="InboundPolicy.Trusted"/>); trunks and <see cref="TrustedSources"/> always may.</summary>
    public InboundPolicy InboundFrom { get; init; } = InboundPolicy.Any;

    /// <summary>Networks trusted like a trunk (Sip:TrustedSources): they may call under <see cref="InboundPolicy.Trusted"/> and skip the per-source limits.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedSources { get; init; } = [];

    /// <summary>The trunks' proxies: calls from them are trusted and exempt from the per-source limits.</summary>
    public IReadOnlyList<Transport.SipNextHop> TrunkProxies { get; init; } = [];

    /// <summary>Inbound calls one source address may have at once (Sip:MaxCallsPerSource); 0 = no cap.</summary>
    public int MaxCallsPerSource { get; init; }

    /// <summary>Requests other than INVITE and ACK per second from one source (burst of 4x); more are dropped; 0 = no limit.</summary>
    public double RequestsPerSecondPerSource { get; init; }

    /// <summary>RFC 3261 §20.5: methods we accept.</summary>
    public const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, UPDATE";
}
