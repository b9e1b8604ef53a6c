namespace VoiceAgent.Telephony.Codecs;

/// <summary>ITU-T G.711 A-law (PCMA, RTP payload type 8, RFC 3551 §4.5.14), with the standard even-bit inversion (0x55).</summary>
public sealed class G711ALawCodec : G711Codec
{
    private static readonly short[] DecodeTable = BuildDecodeTable();

    private G711ALawCodec()
        : base(DecodeTable)
    {
    }

    public static G711ALawCodec Instance { get; } = new();

    public override string Name => "PCMA";

    public override int PayloadType => 8;

    public static byte EncodeSample(short sample)
    {
        int pcm = sample;
        int sign;
        if (pcm >= 0)
        {
            sign = 0x80;
        }
        else
        {
            sign = 0;
            pcm = -pcm - 1;
        }

        pcm >>= 3; // 13-bit magnitude
        int code;
        if (pcm < 32)
        {
            code = pcm >> 1;
        }
        else
        {
            var segment = 1;
            for (var v = pcm >> 5; v > 1 && segment < 7; v >>= 1)
            {
                segment++;
            }

            if (pcm >= 4096)
            {
                segment = 7;
                pcm = Math.Min(pcm, 4095);
            }

            code = (segment << 4) | ((pcm >> segment) & 0x0F);
        }

        return (byte)((sign | code) ^ 0x55);
    }

    public static short DecodeSample(byte code) => DecodeTable[code];

    protected override byte EncodeOne(short sample) => EncodeSample(sample);

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var code = i ^ 0x55;
            var segment = (code >> 4) & 0x07;
            var magnitude = ((code & 0x0F) << 4) + 8;
            if (segment != 0)
            {
                magnitude = (magnitude + 0x100) << (segment - 1);
            }

            table[i] = (short)((code & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }
}
