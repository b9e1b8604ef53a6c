using VoiceAgent.Host.Audio;
using VoiceAgent.Host.Calls;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Tests.Audio;

public sealed class PcmRateConverterTests
{
    [Fact]
    public void Equal_rates_pass_the_samples_through_unchanged_and_hold_nothing_back()
    {
        using var converter = new PcmRateConverter(8000, 8000);
        short[] input = [1, -2, 3, short.MaxValue, short.MinValue];

        var output = converter.Convert(input);

        Assert.True(converter.IsPassThrough);
        Assert.Equal(input, output.ToArray());
        Assert.True(converter.Flush().IsEmpty);
    }

    [Fact]
    public void A_second_of_22050_hz_speech_becomes_a_second_at_8000_hz_once_flushed()
    {
        using var converter = new PcmRateConverter(22050, 8000);
        var total = 0;
        for (var block = 0; block < 10; block++)
        {
            total += converter.Convert(Tone(2205, 22050, block * 2205)).Length;
        }

        total += converter.Flush().Length;

        Assert.False(converter.IsPassThrough);
        Assert.InRange(total, 7990, 8010);
    }

    [Fact]
    public void Reset_drops_the_filter_history_so_the_next_source_starts_clean()
    {
        using var converter = new PcmRateConverter(16000, 8000);
        converter.Convert(Tone(1600, 16000, 0));

        converter.Reset();
        var afterReset = converter.Convert(Tone(1600, 16000, 0)).ToArray();
        using var fresh = new PcmRateConverter(16000, 8000);
        var fromFresh = fresh.Convert(Tone(1600, 16000, 0)).ToArray();

        Assert.Equal(fromFresh, afterReset);
    }

    [Fact]
    public async Task The_playout_writer_queues_the_codec_rate_into_the_playout_buffer()
    {
        var playout = new PlayoutBuffer(8000, TimeSpan.FromSeconds(2)); // room for the whole second: no clock reads it here
        using var writer = new PlayoutWriter(playout, 16000);

        await writer.WriteAsync(Tone(16000, 16000, 0), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await writer.FlushAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.InRange(playout.WrittenPosition, 7990, 8010);
    }

    private static short[] Tone(int length, int rate, int offset)
    {
        var samples = new short[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (i + offset) / rate));
        }

        return samples;
    }
}
