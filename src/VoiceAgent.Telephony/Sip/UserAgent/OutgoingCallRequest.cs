namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>What to call: the target URI, our identity, the SDP offer and how long to let it ring.</summary>
/// <param name="Target">Request-URI and To, e.g. <c>sip:alice@192.0.2.20:5060</c> or <c>sip:alice@pbx.example.com;transport=tcp</c>.</param>
/// <param name="FromUser">User part of our From (caller id), e.g. <c>voiceagent</c> or <c>+15550100</c>.</param>
/// <param name="SdpOffer">Our offer (RFC 3264).</param>
/// <param name="RingTimeout">How long to wait for an answer before CANCEL (or giving up when nothing answered at all).</param>
/// <param name="NextHop">Where the INVITE goes: an outbound proxy (host or address, port, transport), or null for the target's own host, port and transport.</param>
/// <param name="Credentials">Answers 401/407 Digest challenges to the INVITE and to our requests in the call (a trunk account); null: a challenge ends the call.</param>
/// <param name="FromDomain">Host part of our From (the trunk's domain); null: our public address.</param>
public sealed record OutgoingCallRequest(
    string Target,
    string FromUser,
    string SdpOffer,
    TimeSpan RingTimeout,
    Transport.SipNextHop? NextHop = null,
    Authentication.DigestCredentials? Credentials = null,
    string? FromDomain = null);
