using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Telephony.Tests.Codecs;

/// <summary>Opus (libopus) and G.722 (spandsp): encode a voiced signal frame by frame, decode with the library's own decoder, compare.</summary>
public sealed class CodecRoundTripTests
{
    private static short[] Voiced(int sampleRate, double seconds)
    {
        var samples = new short[(int)(sampleRate * seconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / sampleRate;
            // A 200 Hz buzz with two formant-like partials, amplitude-modulated like syllables.
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 3 * t);
            samples[i] = (short)(envelope * (6000 * Math.Sin(2 * Math.PI * 200 * t) + 3000 * Math.Sin(2 * Math.PI * 700 * t) + 1500 * Math.Sin(2 * Math.PI * 1200 * t)));
        }

        return samples;
    }

    private static (double EnergyRatio, double Correlation) RoundTrip(IAudioEncoder encoder, IAudioDecoder decoder, int delaySearch)
    {
        var input = Voiced(encoder.SampleRate, 1.0);
        var frame = encoder.SampleRate / 50;
        var output = new short[input.Length];
        var payload = new byte[encoder.MaxPayloadBytes];
        for (var offset = 0; offset + frame <= input.Length; offset += frame)
        {
            var bytes = encoder.Encode(input.AsSpan(offset, frame), payload);
            Assert.InRange(bytes, 1, encoder.MaxPayloadBytes);
            Assert.Equal(frame, decoder.Decode(payload.AsSpan(0, bytes), output.AsSpan(offset, frame)));
        }

        // Codecs delay the signal by a few ms: compare at the best lag.
        var best = double.MinValue;
        for (var lag = 0; lag < delaySearch; lag++)
        {
            best = Math.Max(best, Correlation(input.AsSpan(0, input.Length - delaySearch), output.AsSpan(lag, input.Length - delaySearch)));
        }

        return (Energy(output) / Energy(input), best);
    }

    [Fact]
    public void Opus_round_trip_keeps_energy_and_waveform()
    {
        using var encoder = new OpusEncoder(new OpusEncoderSettings { Bitrate = 32000 });
        using var decoder = new OpusDecoder();

        var (energy, correlation) = RoundTrip(encoder, decoder, delaySearch: 960);

        Assert.InRange(energy, 0.7, 1.3);
        Assert.True(correlation > 0.9, $"correlation {correlation:F3}");
    }

    [Fact]
    public void G722_round_trip_keeps_energy_and_waveform()
    {
        using var encoder = new G722Encoder();
        using var decoder = new G722Decoder();

        var (energy, correlation) = RoundTrip(encoder, decoder, delaySearch: 64);

        Assert.InRange(energy, 0.8, 1.2);
        Assert.True(correlation > 0.95, $"correlation {correlation:F3}");
    }

    [Fact]
    public void Remote_fmtp_narrows_the_opus_settings()
    {
        var settings = new OpusEncoderSettings { Bitrate = 24000 }.ApplyRemoteFormat("maxaveragebitrate=12000; useinbandfec=1; usedtx=1; maxplaybackrate=16000; sprop-maxcapturerate=16000");

        Assert.Equal((12000, true, true, 16000), (settings.Bitrate, settings.InbandFec, settings.Dtx, settings.MaxPlaybackRate));
    }

    private static double Energy(ReadOnlySpan<short> s)
    {
        double sum = 0;
        foreach (var v in s)
        {
            sum += (double)v * v;
        }

        return sum;
    }

    private static double Correlation(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
