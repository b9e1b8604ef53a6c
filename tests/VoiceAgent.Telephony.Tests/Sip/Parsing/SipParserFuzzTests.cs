using System.Diagnostics;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.Sip.Parsing;

/// <summary>Hostile input: mutated torture messages and random bytes never make the parser throw.</summary>
public sealed class SipParserFuzzTests
{
    [Fact]
    public void Hundred_thousand_mutated_and_random_messages_never_throw()
    {
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"), "*.dat").Select(File.ReadAllBytes).ToArray();
        var random = new Random(4475);
        var budget = Stopwatch.StartNew();
        var parsed = 0;
        var runs = 0;
        for (; runs < 100_000 && budget.Elapsed < TimeSpan.FromSeconds(20); runs++)
        {
            var input = Mutate(corpus, random, runs);
            if (SipMessageParser.TryParse(input, out var message, out var error))
            {
                Assert.NotNull(message);
                parsed++;
            }
            else
            {
                Assert.NotNull(error);
            }
        }

        Assert.True(runs >= 20_000, $"only {runs} inputs in the time budget");
        Assert.True(parsed > 0, "no mutated message parsed: the mutations are too destructive to exercise the grammar");
    }

    private static byte[] Mutate(byte[][] corpus, Random random, int run)
    {
        var source = corpus[random.Next(corpus.Length)];
        switch (run % 5)
        {
            case 0:
                var flipped = (byte[])source.Clone();
                for (var i = random.Next(1, 8); i > 0; i--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            case 1:
                return source[..random.Next(source.Length)];
            case 2:
                var other = corpus[random.Next(corpus.Length)];
                var cut = random.Next(source.Length);
                return [.. source[..cut], .. other[random.Next(other.Length)..]];
            case 3:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return bytes;
            default:
                var replaced = (byte[])source.Clone();
                byte[] specials = [(byte)':', (byte)';', (byte)',', (byte)'"', (byte)'<', (byte)'>', (byte)'\r', (byte)'\n', (byte)' ', 0];
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    replaced[random.Next(replaced.Length)] = specials[random.Next(specials.Length)];
                }

                return replaced;
        }
    }
}
