namespace VoiceAgent.Telephony.Tests.Sip.Fuzzing;

/// <summary>
/// Hostile variants of real messages (the RFC 4475 torture corpus): bit flips, truncations (the
/// fragments a lossy UDP path or a cut TCP stream delivers), splices of two messages, fragments from
/// the middle of one, separator bytes dropped in, and random bytes. Deterministic for a seed.
/// </summary>
internal sealed class SipMutator(byte[][] corpus, int seed)
{
    private static readonly byte[] Specials = [(byte)':', (byte)';', (byte)',', (byte)'"', (byte)'<', (byte)'>', (byte)'\r', (byte)'\n', (byte)' ', 0];

    private readonly Random _random = new(seed);

    /// <summary>The RFC 4475 messages under <paramref name="directory"/> (the *.dat files).</summary>
    public static byte[][] LoadCorpus(string directory)
        => [.. Directory.GetFiles(directory, "*.dat").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    public Random Random => _random;

    public byte[] Next(int run)
    {
        var source = corpus[_random.Next(corpus.Length)];
        switch (run % 6)
        {
            case 0:
                var flipped = (byte[])source.Clone();
                for (var i = _random.Next(1, 8); i > 0; i--)
                {
                    flipped[_random.Next(flipped.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return flipped;
            case 1:
                return source[.._random.Next(source.Length)];
            case 2:
                var other = corpus[_random.Next(corpus.Length)];
                var cut = _random.Next(source.Length);
                return [.. source[..cut], .. other[_random.Next(other.Length)..]];
            case 3:
                var bytes = new byte[_random.Next(0, 2000)];
                _random.NextBytes(bytes);
                return bytes;
            case 4:
                var start = _random.Next(source.Length);
                return source[start.._random.Next(start, source.Length + 1)];
            default:
                var replaced = (byte[])source.Clone();
                for (var i = _random.Next(1, 6); i > 0; i--)
                {
                    replaced[_random.Next(replaced.Length)] = Specials[_random.Next(Specials.Length)];
                }

                return replaced;
        }
    }
}
