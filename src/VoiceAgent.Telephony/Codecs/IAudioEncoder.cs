namespace VoiceAgent.Telephony.Codecs;

/// <summary>Encodes one frame of 16-bit PCM at <see cref="SampleRate"/> into an RTP payload, into a caller-supplied span.</summary>
public interface IAudioEncoder
{
    /// <summary>Encoding name as in SDP rtpmap (PCMU, PCMA).</summary>
    string Name { get; }

    int PayloadType { get; }

    /// <summary>RTP clock rate (RFC 3551).</summary>
    int ClockRate { get; }

    /// <summary>PCM sample rate the encoder takes.</summary>
    int SampleRate { get; }

    /// <returns>Bytes written to <paramref name="payload"/>.</returns>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> payload);
}
