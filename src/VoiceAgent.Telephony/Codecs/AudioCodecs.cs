namespace VoiceAgent.Telephony.Codecs;

/// <summary>The codecs this build can send, by SDP encoding name.</summary>
public static class AudioCodecs
{
    /// <summary>Our preference order when we offer.</summary>
    public static readonly IReadOnlyList<string> Supported = ["PCMU", "PCMA"];

    public static IAudioEncoder? EncoderFor(string name) => name.ToUpperInvariant() switch
    {
        "PCMU" => G711MuLawCodec.Instance,
        "PCMA" => G711ALawCodec.Instance,
        _ => null,
    };

    /// <summary>The byte a codec encodes digital silence as, to pre-fill silence frames.</summary>
    public static byte SilenceByte(IAudioEncoder encoder) => encoder.Name == "PCMA" ? G711ALawCodec.EncodeSample(0) : G711MuLawCodec.EncodeSample(0);
}
