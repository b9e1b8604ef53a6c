using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>The arcodec sections of a manifest, checked once at load (docs/neural-engines.md, "Autoregressive LM + codec").</summary>
internal sealed record ArcodecSettings(
    IReadOnlyList<long> PromptBegin,
    IReadOnlyList<long> PromptEnd,
    long AudioTokenOffset,
    long StopToken,
    int MinNewTokens,
    int MaxNewTokens,
    int? ContextLength,
    SamplingSettings Sampling,
    int Codebooks,
    int CodebookSize,
    int HopLength,
    int WindowFrames,
    int OverlapFrames)
{
    /// <summary>
    /// The ids the LM may emit at codebook slot <paramref name="slot"/> (Orpheus: offset + slot * size + code), plus the
    /// stop token when <paramref name="withStop"/>. Built once per engine (Orpheus: 7 x 4096 ids), shared read-only.
    /// </summary>
    public IReadOnlyList<long> AllowedTokens(int slot, bool withStop)
    {
        var allowed = LazyInitializer.EnsureInitialized(ref _allowedBox, BuildAllowed);
        return withStop ? allowed.WithStop[slot] : allowed.Plain[slot];
    }

    private AllowedBox? _allowedBox;

    private AllowedBox BuildAllowed()
    {
        var plain = new long[Codebooks][];
        var withStop = new long[Codebooks][];
        for (var s = 0; s < Codebooks; s++)
        {
            var first = AudioTokenOffset + ((long)s * CodebookSize);
            plain[s] = new long[CodebookSize];
            for (var code = 0; code < CodebookSize; code++)
            {
                plain[s][code] = first + code;
            }

            withStop[s] = [.. plain[s], StopToken];
        }

        return new AllowedBox(plain, withStop);
    }

    private sealed record AllowedBox(long[][] Plain, long[][] WithStop);

    /// <summary>One past the last audio token id: the logits must cover at least this many ids.</summary>
    public long AudioTokenEnd => AudioTokenOffset + ((long)Codebooks * CodebookSize);

    public static ArcodecSettings From(ModelManifest manifest)
    {
        var file = manifest.FilePath;
        var generation = manifest.Generation ?? throw Invalid(file, "has no \"generation\" section (audioTokenOffset, stopToken, maxNewTokens)");
        var codec = manifest.Codec ?? throw Invalid(file, "has no \"codec\" section (model, codebooks, codebookSize, hopLength, windowFrames, overlapFrames)");
        var sampling = new SamplingSettings(
            generation.Temperature ?? 1f, generation.TopK ?? 0, generation.TopP ?? 1f, generation.RepetitionPenalty ?? 1f);

        Check(file, codec.Codebooks >= 1, "codec.codebooks must be at least 1");
        Check(file, codec.CodebookSize >= 1, "codec.codebookSize must be at least 1");
        Check(file, codec.HopLength >= 1, "codec.hopLength must be at least 1");
        Check(file, codec.WindowFrames >= 1, "codec.windowFrames must be at least 1");
        Check(file, codec.OverlapFrames >= 0 && 2 * codec.OverlapFrames <= codec.WindowFrames, "codec.overlapFrames must be 0 to half of windowFrames");
        Check(file, generation.AudioTokenOffset >= 0, "generation.audioTokenOffset cannot be negative");
        Check(file, generation.MaxNewTokens >= codec.Codebooks, "generation.maxNewTokens must allow at least one frame (codebooks tokens)");
        Check(file, generation.MinNewTokens >= 0 && generation.MinNewTokens <= generation.MaxNewTokens, "generation.minNewTokens must be 0 to maxNewTokens");
        Check(file, generation.StopToken >= 0, "generation.stopToken cannot be negative");
        Check(file, generation.StopToken < generation.AudioTokenOffset || generation.StopToken >= generation.AudioTokenOffset + ((long)codec.Codebooks * codec.CodebookSize),
            "generation.stopToken lies inside the audio token range");
        Check(file, float.IsFinite(sampling.Temperature) && sampling.Temperature >= 0, "generation.temperature must be 0 (greedy) or positive");
        Check(file, sampling.TopK >= 0, "generation.topK cannot be negative");
        Check(file, sampling.TopP > 0 && sampling.TopP <= 1, "generation.topP must be in (0, 1]");
        Check(file, float.IsFinite(sampling.RepetitionPenalty) && sampling.RepetitionPenalty > 0, "generation.repetitionPenalty must be positive");
        Check(file, generation.ContextLength is null or > 0, "generation.contextLength must be positive");

        return new ArcodecSettings(
            manifest.Prompt?.Begin ?? [],
            manifest.Prompt?.End ?? [],
            generation.AudioTokenOffset,
            generation.StopToken,
            generation.MinNewTokens,
            // Whole frames only: a half frame cannot be decoded.
            generation.MaxNewTokens / codec.Codebooks * codec.Codebooks,
            generation.ContextLength,
            sampling,
            codec.Codebooks,
            codec.CodebookSize,
            codec.HopLength,
            codec.WindowFrames,
            codec.OverlapFrames);
    }

    private static void Check(string file, bool condition, string problem)
    {
        if (!condition)
        {
            throw Invalid(file, problem);
        }
    }

    private static ModelPackException Invalid(string file, string problem) => new($"Model pack manifest '{file}': {problem}.", file);
}
