using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Tests.Codecs;

/// <summary>libsoxr streaming: state kept across chunks, so chunk edges are inaudible.</summary>
public sealed class SoxrResamplerTests
{
    private static short[] Sine(int rate, double frequency, int samples)
        => [.. Enumerable.Range(0, samples).Select(i => (short)(10000 * Math.Sin(2 * Math.PI * frequency * i / rate)))];

    private static short[] ResampleInChunks(short[] input, int from, int to, int[] chunkSizes)
    {
        using var resampler = new SoxrResampler(from, to);
        var output = new List<short>();
        var offset = 0;
        var chunk = 0;
        while (offset < input.Length)
        {
            var size = Math.Min(chunkSizes[chunk++ % chunkSizes.Length], input.Length - offset);
            var buffer = new short[resampler.MaxOutputFor(size)];
            var written = resampler.Process(input.AsSpan(offset, size), buffer);
            output.AddRange(buffer.AsSpan(0, written).ToArray());
            offset += size;
        }

        var tail = new short[resampler.MaxOutputFor(from)];
        output.AddRange(tail.AsSpan(0, resampler.Flush(tail)).ToArray());
        return [.. output];
    }

    [Theory]
    [InlineData(22050, 8000)]
    [InlineData(24000, 16000)]
    [InlineData(22050, 48000)]
    public void A_tone_keeps_its_frequency_and_length_across_uneven_chunks(int from, int to)
    {
        var input = Sine(from, 1000, from);

        var output = ResampleInChunks(input, from, to, [1000, 37, 4410, 513]);

        Assert.InRange(output.Length, to - 2, to + 2);
        // 1 kHz for one second: about 2000 zero crossings, whatever the rate.
        var crossings = 0;
        for (var i = 1; i < output.Length; i++)
        {
            crossings += (output[i] >= 0) != (output[i - 1] >= 0) ? 1 : 0;
        }

        Assert.InRange(crossings, 1990, 2010);
    }

    [Fact]
    public void Chunked_and_whole_resampling_give_the_same_signal()
    {
        var input = Sine(22050, 440, 22050);

        var whole = ResampleInChunks(input, 22050, 8000, [input.Length]);
        var chunked = ResampleInChunks(input, 22050, 8000, [441, 17, 2000]);

        Assert.Equal(whole.Length, chunked.Length);
        // No discontinuity at chunk edges: sample-for-sample within rounding.
        Assert.All(whole.Zip(chunked), p => Assert.InRange(p.First - p.Second, -2, 2));
    }

    [Fact]
    public void Invalid_rates_are_rejected() => Assert.Throws<ArgumentOutOfRangeException>(() => new SoxrResampler(0, 8000));
}
