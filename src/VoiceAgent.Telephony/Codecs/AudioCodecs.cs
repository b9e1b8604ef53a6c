namespace VoiceAgent.Telephony.Codecs;

/// <summary>The codecs this build can send, and the per-call encoder for each.</summary>
public static class AudioCodecs
{
    /// <summary>RFC 7587 §7: Opus is always signalled as opus/48000/2, whatever is actually sent.</summary>
    public static readonly AudioCodecDescriptor Opus = new("opus", 48000, 2, null);

    /// <summary>RFC 3551 §4.5.2: G.722 samples at 16 kHz but its RTP clock is 8000.</summary>
    public static readonly AudioCodecDescriptor G722 = new("G722", 8000, 1, 9);

    public static readonly AudioCodecDescriptor Pcmu = new("PCMU", 8000, 1, 0);

    public static readonly AudioCodecDescriptor Pcma = new("PCMA", 8000, 1, 8);

    /// <summary>Default preference order (Media:Codecs).</summary>
    public static readonly IReadOnlyList<AudioCodecDescriptor> All = [Opus, G722, Pcmu, Pcma];

    public static AudioCodecDescriptor? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A new encoder for one call. G.711 is stateless and shared; Opus and G.722 keep state per call
    /// (sharing it would mix two callers' audio). <paramref name="remoteFmtp"/> is the offer's fmtp for the codec.
    /// </summary>
    public static IAudioEncoder CreateEncoder(string name, string? remoteFmtp, OpusEncoderSettings opus) => Find(name)?.Name switch
    {
        "PCMU" => G711MuLawCodec.Instance,
        "PCMA" => G711ALawCodec.Instance,
        "G722" => new G722Encoder(),
        "opus" => new OpusEncoder(opus.ApplyRemoteFormat(remoteFmtp)),
        _ => throw new ArgumentException($"Unsupported codec '{name}'.", nameof(name)),
    };

    /// <summary>A new decoder for the caller's audio of one call (mono, at the codec's sample rate).</summary>
    public static IAudioDecoder CreateDecoder(string name) => Find(name)?.Name switch
    {
        "PCMU" => G711MuLawCodec.Instance,
        "PCMA" => G711ALawCodec.Instance,
        "G722" => new G722Decoder(),
        "opus" => new OpusDecoder(),
        _ => throw new ArgumentException($"Unsupported codec '{name}'.", nameof(name)),
    };
}
