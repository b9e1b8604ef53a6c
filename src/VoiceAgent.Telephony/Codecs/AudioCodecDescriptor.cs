namespace VoiceAgent.Telephony.Codecs;

/// <summary>An audio codec as SDP names it (RFC 4566 rtpmap): encoding name, RTP clock rate, channels, and its static payload type if RFC 3551 gives one.</summary>
public sealed record AudioCodecDescriptor(string Name, int ClockRate, int Channels, int? StaticPayloadType)
{
    public bool Matches(string encodingName, int clockRate)
        => string.Equals(Name, encodingName, StringComparison.OrdinalIgnoreCase) && ClockRate == clockRate;
}
