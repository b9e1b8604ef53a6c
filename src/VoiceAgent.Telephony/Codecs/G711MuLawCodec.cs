namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// ITU-T G.711 μ-law (PCMU, RTP payload type 0, RFC 3551 §4.5.14). Encoding through a 16K table of
/// the 14-bit magnitude, decoding through a 256-entry table; both built once.
/// </summary>
public sealed class G711MuLawCodec : IAudioEncoder, IAudioDecoder
{
    private const int Bias = 0x84;
    private const int Clip = 32635;
    private static readonly short[] DecodeTable = BuildDecodeTable();

    public static G711MuLawCodec Instance { get; } = new();

    public string Name => "PCMU";

    public int PayloadType => 0;

    public int ClockRate => 8000;

    public int SampleRate => 8000;

    public static byte EncodeSample(short sample)
    {
        int pcm = sample;
        var sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }

        if (pcm > Clip)
        {
            pcm = Clip;
        }

        pcm += Bias;
        var exponent = 7;
        for (var mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static short DecodeSample(byte code) => DecodeTable[code];

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        for (var i = 0; i < pcm.Length; i++)
        {
            payload[i] = EncodeSample(pcm[i]);
        }

        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        for (var i = 0; i < payload.Length; i++)
        {
            pcm[i] = DecodeTable[payload[i]];
        }

        return payload.Length;
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var code = ~i & 0xFF;
            var sign = code & 0x80;
            var exponent = (code >> 4) & 0x07;
            var mantissa = code & 0x0F;
            var magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[i] = (short)(sign != 0 ? -magnitude : magnitude);
        }

        return table;
    }
}
