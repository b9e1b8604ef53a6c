namespace VoiceAgent.Telephony.Sdp;

/// <summary>a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;channels&gt;] (RFC 4566 §6).</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int Channels);
