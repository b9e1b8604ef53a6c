namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// ITU-T G.711 μ-law (PCMU, RTP payload type 0, RFC 3551 §4.5.14): the biased segment/mantissa
/// encoder of the standard, decoding through a 256-entry table.
/// </summary>
public sealed class G711MuLawCodec : G711Codec
{
    private const int Bias = 0x84;
    private const int Clip = 32635;
    private static readonly short[] DecodeTable = BuildDecodeTable();

    private G711MuLawCodec()
        : base(DecodeTable)
    {
    }

    public static G711MuLawCodec Instance { get; } = new();

    public override string Name => "PCMU";

    public override int PayloadType => 0;

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

    protected override byte EncodeOne(short sample) => EncodeSample(sample);

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
