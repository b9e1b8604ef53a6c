namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// Common shape of the two G.711 laws (ITU-T G.711, RFC 3551 §4.5.14): one byte per sample at
/// 8 kHz, encoded sample by sample, decoded through a 256-entry table built once.
/// </summary>
public abstract class G711Codec : IAudioEncoder, IAudioDecoder
{
    private readonly short[] _decodeTable;

    protected G711Codec(short[] decodeTable) => _decodeTable = decodeTable;

    public abstract string Name { get; }

    public abstract int PayloadType { get; }

    public int ClockRate => 8000;

    public int SampleRate => 8000;

    public int MaxPayloadBytes => 160;

    protected abstract byte EncodeOne(short sample);

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        for (var i = 0; i < pcm.Length; i++)
        {
            payload[i] = EncodeOne(pcm[i]);
        }

        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        for (var i = 0; i < payload.Length; i++)
        {
            pcm[i] = _decodeTable[payload[i]];
        }

        return payload.Length;
    }
    /// <summary>G.711 has no concealment of its own: a lost frame is played as silence.</summary>
    public int Conceal(Span<short> pcm, int frameSamples)
    {
        pcm[..frameSamples].Clear();
        return frameSamples;
    }

}
