namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The random stream of one generation row (SplitMix64: tiny, fast, and the same numbers on every runtime, unlike
/// <see cref="Random"/>, whose seeded algorithm is an implementation detail). Owned by the row, never by the engine.
/// </summary>
internal sealed class SamplerRandom
{
    private ulong _state;

    public SamplerRandom(ulong seed) => _state = seed;

    /// <summary>The stream for chunk <paramref name="chunkIndex"/> of a session seeded with <paramref name="seed"/>: chunks never share numbers.</summary>
    public static SamplerRandom ForChunk(long seed, int chunkIndex)
    {
        var mixer = new SamplerRandom(unchecked((ulong)seed));
        var a = mixer.NextUInt64();
        return new SamplerRandom(a ^ unchecked((ulong)(chunkIndex + 1) * 0xD1B54A32D192ED03UL));
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
