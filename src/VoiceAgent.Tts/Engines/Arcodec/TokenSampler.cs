namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// Draws the next token from logits, restricted to the ids the current position allows (the codebook's audio range,
/// plus the stop token at a frame boundary). Pure functions of their arguments: the row brings its own history and RNG.
/// </summary>
internal static class TokenSampler
{
    /// <summary>HF RepetitionPenaltyLogitsProcessor: each distinct id of <paramref name="history"/> once.</summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, IReadOnlyCollection<long> history, float penalty)
    {
        if (penalty == 1f)
        {
            return;
        }

        foreach (var id in history)
        {
            if ((ulong)id < (ulong)logits.Length)
            {
                ref var logit = ref logits[(int)id];
                logit = logit > 0 ? logit / penalty : logit * penalty;
            }
        }
    }

    /// <summary>
    /// The candidates left after temperature, top-k and top-p, most likely first, with probabilities summing to 1.
    /// Temperature 0 leaves only the argmax (lowest id on ties).
    /// </summary>
    public static (long[] Ids, double[] Probabilities) Distribution(ReadOnlySpan<float> logits, IReadOnlyList<long> allowed, SamplingSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfZero(allowed.Count);
        var candidates = new (long Id, float Logit)[allowed.Count];
        for (var i = 0; i < allowed.Count; i++)
        {
            candidates[i] = (allowed[i], logits[(int)allowed[i]]);
        }

        // Descending logit, then ascending id: a stable order, so equal logits never depend on the allowed list's order.
        Array.Sort(candidates, static (a, b) => a.Logit != b.Logit ? b.Logit.CompareTo(a.Logit) : a.Id.CompareTo(b.Id));
        if (settings.Temperature <= 0f)
        {
            return ([candidates[0].Id], [1.0]);
        }

        var count = settings.TopK > 0 ? Math.Min(settings.TopK, candidates.Length) : candidates.Length;
        var probabilities = new double[count];
        var max = candidates[0].Logit / (double)settings.Temperature;
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            probabilities[i] = Math.Exp((candidates[i].Logit / (double)settings.Temperature) - max);
            sum += probabilities[i];
        }

        // Nucleus: the smallest most-likely-first prefix whose mass reaches top-p; never empty.
        var kept = count;
        if (settings.TopP < 1f)
        {
            double cumulative = 0;
            for (var i = 0; i < count; i++)
            {
                cumulative += probabilities[i] / sum;
                if (cumulative >= settings.TopP)
                {
                    kept = i + 1;
                    break;
                }
            }
        }

        double keptSum = 0;
        for (var i = 0; i < kept; i++)
        {
            keptSum += probabilities[i];
        }

        var ids = new long[kept];
        var result = new double[kept];
        for (var i = 0; i < kept; i++)
        {
            ids[i] = candidates[i].Id;
            result[i] = probabilities[i] / keptSum;
        }

        return (ids, result);
    }

    /// <summary>One draw from a distribution of <see cref="Distribution"/>.</summary>
    public static long Draw(long[] ids, double[] probabilities, SamplerRandom random)
    {
        var u = random.NextDouble();
        double cumulative = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative)
            {
                return ids[i];
            }
        }

        return ids[^1];
    }

    public static long Sample(Span<float> logits, IReadOnlyList<long> allowed, IReadOnlyCollection<long> history, SamplingSettings settings, SamplerRandom random)
    {
        ApplyRepetitionPenalty(logits, history, settings.RepetitionPenalty);
        var (ids, probabilities) = Distribution(logits, allowed, settings);
        return ids.Length == 1 ? ids[0] : Draw(ids, probabilities, random);
    }
}
