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

    [Fact]
    public void A_tcp_stream_of_mutated_messages_cut_anywhere_never_throws_and_framing_recovers_per_connection()
    {
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"), "*.dat").Select(File.ReadAllBytes).ToArray();
        var random = new Random(18);
        var framer = new VoiceAgent.Telephony.Sip.Transport.SipStreamFramer(SipMessageParser.DefaultMaxMessageSize);
        var (framed, closed) = (0, 0);
        for (var run = 0; run < 20_000; run++)
        {
            var input = Mutate(corpus, random, run);
            for (var offset = 0; offset < input.Length;)
            {
                var space = framer.FreeSpace();
                var piece = Math.Min(Math.Min(random.Next(1, 1500), space.Length), input.Length - offset);
                input.AsSpan(offset, piece).CopyTo(space.Span);
                framer.Commit(piece);
                offset += piece;
                VoiceAgent.Telephony.Sip.Transport.SipFrame frame;
                while ((frame = framer.Next(out var message)) is not VoiceAgent.Telephony.Sip.Transport.SipFrame.Incomplete)
                {
                    if (frame is VoiceAgent.Telephony.Sip.Transport.SipFrame.Message)
                    {
                        framed++;
                        _ = SipMessageParser.TryParse(message.Span, out _, out _);
                    }
                    else if (frame is not VoiceAgent.Telephony.Sip.Transport.SipFrame.Ping)
                    {
                        // The connection would be closed here; the peer starts over on a new one.
                        closed++;
                        framer = new VoiceAgent.Telephony.Sip.Transport.SipStreamFramer(SipMessageParser.DefaultMaxMessageSize);
                        break;
                    }
                }
            }
        }

        Assert.True(framed > 1000, $"only {framed} messages framed");
        Assert.True(closed > 0, "no stream was ever refused: the mutations never hit the framing rules");
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
