namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>Energy measurements on recorded call audio.</summary>
internal static class AudioAnalysis
{
    /// <summary>Root-mean-square of 20 ms frames, in sample units.</summary>
    public static double[] FrameRms(WavFile wav, double frameMs = 20)
    {
        var frame = (int)(wav.SampleRate * frameMs / 1000);
        var count = wav.Samples.Length / frame;
        var rms = new double[count];
        for (var f = 0; f < count; f++)
        {
            double sum = 0;
            for (var i = 0; i < frame; i++)
            {
                double s = wav.Samples[f * frame + i];
                sum += s * s;
            }

            rms[f] = Math.Sqrt(sum / frame);
        }

        return rms;
    }

    /// <summary>Offset of the first sample whose magnitude exceeds <paramref name="threshold"/>, or null.</summary>
    public static TimeSpan? FirstNonSilent(WavFile wav, int threshold = 300)
    {
        for (var i = 0; i < wav.Samples.Length; i++)
        {
            if (Math.Abs((int)wav.Samples[i]) > threshold)
            {
                return TimeSpan.FromSeconds((double)i / wav.SampleRate);
            }
        }

        return null;
    }

    /// <summary>Seconds of audio between <paramref name="from"/> and <paramref name="to"/> whose 20 ms RMS exceeds <paramref name="threshold"/>.</summary>
    public static double SpeechSeconds(WavFile wav, TimeSpan from, TimeSpan to, double threshold = 200)
    {
        var rms = FrameRms(wav);
        var first = (int)(from.TotalMilliseconds / 20);
        var last = Math.Min(rms.Length, (int)(to.TotalMilliseconds / 20));
        var voiced = 0;
        for (var f = Math.Max(0, first); f < last; f++)
        {
            if (rms[f] > threshold)
            {
                voiced++;
            }
        }

        return voiced * 0.020;
    }

    /// <summary>Longest run of near-silent 10 ms frames between the first and the last voiced frame, in ms.</summary>
    public static int LongestSilenceInsideSpeech(WavFile wav, double threshold = 60)
    {
        var rms = FrameRms(wav, frameMs: 10);
        var first = Array.FindIndex(rms, r => r > threshold * 4);
        var last = Array.FindLastIndex(rms, r => r > threshold * 4);
        var longest = 0;
        var run = 0;
        for (var f = Math.Max(first, 0); f <= last; f++)
        {
            run = rms[f] < threshold ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest * 10;
    }

    /// <summary>
    /// Best Pearson correlation of two energy envelopes over lags up to <paramref name="maxLagFrames"/>
    /// (the recording starts at answer time, the reference at its first sample).
    /// </summary>
    public static double EnvelopeCorrelation(double[] recorded, double[] reference, int maxLagFrames)
    {
        var best = double.MinValue;
        for (var lag = 0; lag <= maxLagFrames; lag++)
        {
            var n = Math.Min(reference.Length, recorded.Length - lag);
            if (n < 10)
            {
                break;
            }

            best = Math.Max(best, Pearson(recorded.AsSpan(lag, n), reference.AsSpan(0, n)));
        }

        return best;
    }

    private static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ma = 0, mb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= a.Length;
        mb /= b.Length;
        double cov = 0, va = 0, vb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }

        return va == 0 || vb == 0 ? 0 : cov / Math.Sqrt(va * vb);
    }
}
