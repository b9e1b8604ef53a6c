using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>
/// A deterministic engine for pipeline tests: each chunk becomes a tone whose pitch comes from the
/// row's voice and whose length comes from its text, so a row that got another session's voice or
/// text is caught. Text containing "FAIL" throws in the generator.
/// </summary>
internal sealed class ToneTestEngine : ITtsEngine
{
    private int _maxBatchSeen;
    private int _tokenizeCount;

    public string Name => "tone";

    public int SampleRate => 8000;

    public int MaxBatchSeen => Volatile.Read(ref _maxBatchSeen);

    public int TokenizeCount => Volatile.Read(ref _tokenizeCount);

    /// <summary>Delay per generator batch, to let rows of several sessions pile up into one batch.</summary>
    public TimeSpan GeneratorDelay { get; init; }

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice)
    {
        Interlocked.Increment(ref _tokenizeCount);
        return new(chunk.Index, chunk.Text, null, chunk.Text.Select(c => (long)c).ToArray(), chunk.IsLast);
    }

    /// <summary>Called with each generator batch as it starts (tests that look at the order rows ran in).</summary>
    public Action<IReadOnlyList<GenerationRequest>>? OnGenerate { get; init; }

    public async ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        OnGenerate?.Invoke(batch);
        InterlockedMax(ref _maxBatchSeen, batch.Count);
        if (GeneratorDelay > TimeSpan.Zero)
        {
            await Task.Delay(GeneratorDelay, cancellationToken);
        }

        var results = new AcousticUnits[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (tokens, voice) = (batch[i].Tokens, batch[i].Voice);
            if (tokens.Text.Contains("FAIL", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("test failure row");
            }

            results[i] = new AcousticUnits(tokens.Index, new[] { PitchOf(voice), tokens.TokenIds.Length }, null, tokens.IsLast);
        }

        return results;
    }

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
    {
        var results = new PcmChunk[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var units = batch[i].Units;
            var pitch = units.Features.Span[0];
            var length = (int)units.Features.Span[1] * 80;
            var pcm = new short[length];
            for (var n = 0; n < length; n++)
            {
                pcm[n] = (short)(8000 * Math.Sin(2 * Math.PI * pitch * n / SampleRate));
            }

            results[i] = new PcmChunk(units.Index, pcm, SampleRate, units.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<PcmChunk>>(results);
    }

    /// <summary>
    /// A pitch from a stable hash of the voice name (FNV-1a): string.GetHashCode is randomised per
    /// process, which made two voices collide now and then and the isolation test flaky.
    /// </summary>
    public static float PitchOf(VoiceProfile voice)
    {
        var hash = 2166136261u;
        foreach (var c in voice.Voice)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return 200 + (hash % 600);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
