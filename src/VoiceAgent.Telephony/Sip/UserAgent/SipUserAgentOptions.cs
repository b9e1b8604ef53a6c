namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Identity of the user agent on the wire.</summary>
/// <param name="PublicAddress">Host for Contact and Via (Sip:PublicAddress).</param>
/// <param name="Port">Port for Contact and Via.</param>
public sealed record SipUserAgentOptions(string PublicAddress, int Port)
{
    public Transactions.SipTimerOptions Timers { get; init; } = new();

    /// <summary>RFC 3261 §20.5: methods we accept.</summary>
    public const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";
}
