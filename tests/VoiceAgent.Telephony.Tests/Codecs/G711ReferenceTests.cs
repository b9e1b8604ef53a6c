using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Tests.Codecs;

/// <summary>G.711 against the values of ITU-T G.711 Tables 1 and 2 (and the reference implementation of G.191).</summary>
public sealed class G711ReferenceTests
{
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(8031, 0xA0)]
    [InlineData(-8031, 0x20)]
    public void Mu_law_encodes_reference_values(short sample, int code) => Assert.Equal((byte)code, G711MuLawCodec.EncodeSample(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xA0, 7932)]
    public void Mu_law_decodes_reference_values(int code, short sample) => Assert.Equal(sample, G711MuLawCodec.DecodeSample((byte)code));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    public void A_law_encodes_reference_values(short sample, int code) => Assert.Equal((byte)code, G711ALawCodec.EncodeSample(sample));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void A_law_decodes_reference_values(int code, short sample) => Assert.Equal(sample, G711ALawCodec.DecodeSample((byte)code));

    [Fact]
    public void Every_code_round_trips_through_decode_and_encode()
    {
        for (var code = 0; code < 256; code++)
        {
            // μ-law has two codes for zero (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
            var mu = G711MuLawCodec.EncodeSample(G711MuLawCodec.DecodeSample((byte)code));
            Assert.True(mu == code || (code == 0x7F && mu == 0xFF), $"μ-law {code:X2} -> {mu:X2}");
            Assert.Equal((byte)code, G711ALawCodec.EncodeSample(G711ALawCodec.DecodeSample((byte)code)));
        }
    }

    [Fact]
    public void Quantization_error_stays_within_half_a_step_of_each_segment()
    {
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            var s = (short)sample;
            var magnitude = Math.Abs(sample);
            // Segment step sizes double every segment: 1/2^8 relative error bound with a small absolute floor.
            var bound = Math.Max(16, magnitude / 16);
            Assert.InRange(G711MuLawCodec.DecodeSample(G711MuLawCodec.EncodeSample(s)) - sample, -bound - 64, bound + 64);
            Assert.InRange(G711ALawCodec.DecodeSample(G711ALawCodec.EncodeSample(s)) - sample, -bound - 64, bound + 64);
        }
    }

    [Fact]
    public void Codec_frames_encode_160_samples_into_160_bytes()
    {
        var pcm = Enumerable.Range(0, 160).Select(i => (short)(10000 * Math.Sin(i / 5.0))).ToArray();
        var payload = new byte[160];
        var decoded = new short[160];

        Assert.Equal(160, G711MuLawCodec.Instance.Encode(pcm, payload));
        Assert.Equal(160, G711MuLawCodec.Instance.Decode(payload, decoded));
        Assert.All(pcm.Zip(decoded), p => Assert.InRange(p.First - p.Second, -400, 400));
    }
}
