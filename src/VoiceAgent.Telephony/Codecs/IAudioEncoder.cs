namespace VoiceAgent.Telephony.Codecs;

/// <summary>Encodes one frame of 16-bit PCM at <see cref="SampleRate"/> into an RTP payload, into a caller-supplied span.</summary>
public interface IAudioEncoder
{
    /// <summary>Encoding name as in SDP rtpmap (PCMU, PCMA, G722, opus).</summary>
    string Name { get; }

    /// <summary>RTP clock rate (RFC 3551).</summary>
    int ClockRate { get; }

    /// <summary>PCM sample rate the encoder takes.</summary>
    int SampleRate { get; }

    /// <summary>Largest payload one 20 ms frame can encode to.</summary>
    int MaxPayloadBytes { get; }

    /// <returns>Bytes written to <paramref name="payload"/>.</returns>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> payload);
}
