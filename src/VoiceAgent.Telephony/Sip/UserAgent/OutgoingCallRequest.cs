namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>What to call: the target URI, our identity, the SDP offer and how long to let it ring.</summary>
/// <param name="Target">Request-URI and To, e.g. <c>sip:alice@192.0.2.20:5060</c>.</param>
/// <param name="FromUser">User part of our From (caller id), e.g. <c>voiceagent</c> or <c>+15550100</c>.</param>
/// <param name="SdpOffer">Our offer (RFC 3264).</param>
/// <param name="RingTimeout">How long to wait for an answer before CANCEL (or giving up when nothing answered at all).</param>
/// <param name="NextHop">Where the INVITE goes: an outbound proxy, or null for the target's host and port.</param>
/// <param name="Credentials">Answers a 401/407 Digest challenge to the INVITE (a trunk account); null: the challenge ends the call.</param>
public sealed record OutgoingCallRequest(string Target, string FromUser, string SdpOffer, TimeSpan RingTimeout, System.Net.IPEndPoint? NextHop = null, Authentication.DigestCredentials? Credentials = null);
