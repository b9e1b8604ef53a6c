namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1.1 timer values (Table 4).</summary>
public sealed record SipTimerOptions
{
    /// <summary>Round-trip estimate; base of most timers.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>64*T1: timers B, F, H, J and the 2xx retransmission limit.</summary>
    public TimeSpan TimeoutInterval => T1 * 64;

    public TimeSpan NextRetransmitInterval(TimeSpan current) => current * 2 < T2 ? current * 2 : T2;
}
