using System.Diagnostics;
using VoiceAgent.Host.Applications.Streams;
using Xunit.Abstractions;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class StreamedSayBufferTests(ITestOutputHelper output)
{
    [Fact]
    public void Clauses_are_released_as_soon_as_they_end_and_final_releases_the_rest()
    {
        var buffer = new StreamedSayBuffer();

        Assert.Empty(buffer.Add("Hello there, this", final: false));
        Assert.Empty(buffer.Add(" is streamed text.", final: false)); // the period is not yet followed by a space
        Assert.Equal(["Hello there, this is streamed text."], buffer.Add(" And more", final: false));
        Assert.Equal(["And more words?", "Well, I think that is all of it,", "see"], buffer.Add(" words? Well, I think that is all of it, see", final: true));
    }

    [Fact]
    public void A_short_comma_phrase_stays_with_its_clause()
    {
        var buffer = new StreamedSayBuffer();

        Assert.Equal(["Yes, sure.", "Anything else?"], buffer.Add("Yes, sure. Anything else? ", final: false));
        Assert.Empty(buffer.Add("", final: true));
    }

    [Fact]
    public void A_flood_without_clause_ends_is_spoken_in_bounded_clauses_and_never_held_whole()
    {
        var buffer = new StreamedSayBuffer();
        var longest = 0;
        var released = 0L;
        for (var i = 0; i < 200_000; i++)
        {
            foreach (var clause in buffer.Add(i % 7 == 0 ? " " : "x", final: false))
            {
                longest = Math.Max(longest, clause.Length);
                released += clause.Length;
            }

            Assert.True(buffer.PendingLength <= StreamedSayBuffer.MaxClauseLength + 1, $"{buffer.PendingLength} characters held after piece {i}");
        }

        Assert.True(longest <= StreamedSayBuffer.MaxClauseLength, $"a clause of {longest} characters");
        Assert.True(released > 150_000, $"only {released} characters released");
    }

    [Fact]
    public void Work_is_linear_in_the_text_whether_it_comes_in_one_piece_or_a_character_at_a_time()
    {
        // The old buffer rescanned all pending text on every piece: 1 MB one character at a time took hours.
        static TimeSpan Feed(int characters, bool oneAtATime)
        {
            var buffer = new StreamedSayBuffer();
            const string Sample = "word word, another word here. and then some more words without end ";
            var text = string.Concat(Enumerable.Repeat(Sample, (characters / Sample.Length) + 1))[..characters];
            var started = Stopwatch.GetTimestamp();
            if (oneAtATime)
            {
                foreach (var c in text)
                {
                    buffer.Add(c.ToString(), final: false);
                }
            }
            else
            {
                buffer.Add(text, final: false);
            }

            buffer.Add(string.Empty, final: true);
            return Stopwatch.GetElapsedTime(started);
        }

        // The fastest of three runs each: other processes share this machine's cores.
        static TimeSpan Fastest(int characters, bool oneAtATime) => Enumerable.Range(0, 3).Select(_ => Feed(characters, oneAtATime)).Min();
        Feed(100_000, oneAtATime: true); // JIT
        var small = Fastest(250_000, oneAtATime: true);
        var large = Fastest(2_000_000, oneAtATime: true);
        var whole = Fastest(2_000_000, oneAtATime: false);

        output.WriteLine($"one character at a time: 250 KB {small.TotalMilliseconds:F0} ms, 2 MB {large.TotalMilliseconds:F0} ms; 2 MB in one piece {whole.TotalMilliseconds:F0} ms");
        // Eight times the text: about eight times the time when linear, sixty-four when quadratic. Loose bounds for a loaded machine.
        Assert.True(large < TimeSpan.FromSeconds(10), $"2 MB one character at a time took {large.TotalMilliseconds:F0} ms");
        Assert.True(large.TotalMilliseconds < (small.TotalMilliseconds * 24) + 200, $"250 KB: {small.TotalMilliseconds:F0} ms, 2 MB: {large.TotalMilliseconds:F0} ms");
        Assert.True(whole < TimeSpan.FromSeconds(5), $"2 MB in one piece took {whole.TotalMilliseconds:F0} ms");
    }
}
