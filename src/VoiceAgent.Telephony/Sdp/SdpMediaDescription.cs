namespace VoiceAgent.Telephony.Sdp;

/// <summary>One m= section (RFC 4566 §5.14) with the attributes we act on.</summary>
public sealed record SdpMediaDescription(
    string Media,
    int Port,
    string Protocol,
    IReadOnlyList<string> Formats,
    string? ConnectionAddress,
    IReadOnlyList<SdpRtpMap> RtpMaps,
    IReadOnlyDictionary<string, string> Fmtp,
    int? Ptime,
    string? Direction);
