namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Float model output to 16-bit PCM, the vocoder stage's work for the single-model families.</summary>
internal static class PcmConverter
{
    private const float FullScale = 32767f;

    /// <summary>Never amplify more than 100x: rhasspy piper's floor (max(0.01, peak)) keeps near-silence from becoming noise.</summary>
    private const float MinimumPeak = 0.01f;

    /// <summary>Clips to [-1, 1] and scales (Kokoro: its waveform is already in range).</summary>
    public static short[] Clip(ReadOnlySpan<float> samples)
    {
        var pcm = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            pcm[i] = ToShort(samples[i] * FullScale);
        }

        return pcm;
    }

    /// <summary>Scales the chunk's peak to full scale, as Piper's reference players do per sentence (rhasspy piper.cpp, piper1 voice.py).</summary>
    public static short[] PeakNormalize(ReadOnlySpan<float> samples)
    {
        var peak = MinimumPeak;
        foreach (var sample in samples)
        {
            peak = MathF.Max(peak, MathF.Abs(sample));
        }

        var gain = FullScale / peak;
        var pcm = new short[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            pcm[i] = ToShort(samples[i] * gain);
        }

        return pcm;
    }

    private static short ToShort(float value) =>
        float.IsNaN(value) ? (short)0 : (short)MathF.Round(Math.Clamp(value, -FullScale, FullScale));
}
