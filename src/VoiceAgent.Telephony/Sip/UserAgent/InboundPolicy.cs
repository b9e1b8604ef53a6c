namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Who may start a call with us (Sip:InboundFrom), like PJSIP's "no anonymous endpoint unless configured".</summary>
public enum InboundPolicy
{
    /// <summary>Trunk proxies and Sip:TrustedSources (by default this machine: loopback and its own addresses); anyone else gets 403.</summary>
    Trusted,

    /// <summary>Any address (a host that is meant to be called directly from the internet).</summary>
    Any,
}
