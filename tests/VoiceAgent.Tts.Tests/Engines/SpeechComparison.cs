namespace VoiceAgent.Tts.Tests.Engines;

/// <summary>
/// Compares two renderings of speech. libespeak-ng 1.51 cannot repeat a synthesis bit for bit: its pitch-flutter
/// phase is a static that nothing resets (see EspeakLibrary), which can add a glottal cycle (~190 samples) at a
/// phoneme boundary. So "the same speech" means: lengths within 1%, and a dynamic-time-warped distance between the
/// two 10 ms feature tracks (log energy and log energy of the first difference, i.e. spectral tilt) within
/// <see cref="MaxDistanceDb"/>. Another voice (en-gb, en-us+f3, de) or rate gives a clearly larger distance.
/// </summary>
internal static class SpeechComparison
{
    private const int FrameSamples = 220; // 10 ms at 22050 Hz
    private const int Band = 8; // frames of warp allowed either way
    private const double MaxLengthRatio = 0.01;
    private const double MaxDistanceDb = 0.75; // measured: repeats after adversarial history <= 0.42 dB, en-gb vs en-us 1.14 dB

    public static void AssertSameSpeech(short[] expected, short[] actual, string because)
    {
        var (lengthRatio, distance) = Compare(expected, actual);
        Assert.True(
            lengthRatio <= MaxLengthRatio && distance <= MaxDistanceDb,
            $"{because}: length {expected.Length} vs {actual.Length} ({lengthRatio:P2}), distance {distance:F2} dB");
    }

    public static void AssertDifferentSpeech(short[] first, short[] second, string because)
    {
        var (lengthRatio, distance) = Compare(first, second);
        Assert.True(
            lengthRatio > MaxLengthRatio || distance > MaxDistanceDb,
            $"{because}: length {first.Length} vs {second.Length} ({lengthRatio:P2}), distance {distance:F2} dB");
    }

    public static (double LengthRatio, double DistanceDb) Compare(short[] a, short[] b)
    {
        var lengthRatio = Math.Abs(a.Length - b.Length) / (double)Math.Max(1, Math.Max(a.Length, b.Length));
        var fa = Features(a);
        var fb = Features(b);
        if (fa.Length == 0 || fb.Length == 0)
        {
            return (lengthRatio, fa.Length == fb.Length ? 0 : double.PositiveInfinity);
        }

        // Banded DTW; cost and step count are carried together so the result is a mean per matched pair.
        var cost = new double[fa.Length + 1, fb.Length + 1];
        var steps = new int[fa.Length + 1, fb.Length + 1];
        for (var i = 0; i <= fa.Length; i++)
        {
            for (var j = 0; j <= fb.Length; j++)
            {
                cost[i, j] = double.PositiveInfinity;
            }
        }

        cost[0, 0] = 0;
        for (var i = 1; i <= fa.Length; i++)
        {
            var center = (int)((long)i * fb.Length / fa.Length);
            for (var j = Math.Max(1, center - Band); j <= Math.Min(fb.Length, center + Band); j++)
            {
                var (pi, pj) = (i - 1, j - 1);
                if (cost[i - 1, j] < cost[pi, pj]) (pi, pj) = (i - 1, j);
                if (cost[i, j - 1] < cost[pi, pj]) (pi, pj) = (i, j - 1);
                var d = (Math.Abs(fa[i - 1].Energy - fb[j - 1].Energy) + Math.Abs(fa[i - 1].Tilt - fb[j - 1].Tilt)) / 2;
                cost[i, j] = cost[pi, pj] + d;
                steps[i, j] = steps[pi, pj] + 1;
            }
        }

        var total = cost[fa.Length, fb.Length];
        return (lengthRatio, double.IsInfinity(total) ? total : total / steps[fa.Length, fb.Length]);
    }

    private static (double Energy, double Tilt)[] Features(short[] samples)
    {
        var frames = new (double, double)[samples.Length / FrameSamples];
        for (var f = 0; f < frames.Length; f++)
        {
            double energy = 0;
            double difference = 0;
            var start = f * FrameSamples;
            for (var k = start; k < start + FrameSamples; k++)
            {
                energy += (double)samples[k] * samples[k];
                if (k > 0)
                {
                    double d = samples[k] - samples[k - 1];
                    difference += d * d;
                }
            }

            frames[f] = (10 * Math.Log10((energy / FrameSamples) + 1), 10 * Math.Log10((difference / FrameSamples) + 1));
        }

        return frames;
    }
}
