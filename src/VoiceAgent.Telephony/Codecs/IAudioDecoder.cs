namespace VoiceAgent.Telephony.Codecs;

/// <summary>Decodes one RTP payload into 16-bit PCM, into a caller-supplied span.</summary>
public interface IAudioDecoder
{
    /// <returns>Samples written to <paramref name="pcm"/>.</returns>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>Fills one lost frame of <paramref name="frameSamples"/> samples (packet-loss concealment).</summary>
    /// <returns>Samples written.</returns>
    int Conceal(Span<short> pcm, int frameSamples);
}
