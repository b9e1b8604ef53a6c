using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Tests.Frontend;

public sealed class TextChunkerTests
{
    [Fact]
    public void First_chunk_is_the_first_clause_then_sentence_by_sentence()
    {
        var chunks = TextChunker.Split("Hello there, thanks for calling Acme. How can I help you today? Say billing or support.");

        Assert.Equal(
            ["Hello there,", "thanks for calling Acme.", "How can I help you today?", "Say billing or support."],
            chunks.Select(c => c.Text));
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Index));
        Assert.Equal([false, false, false, true], chunks.Select(c => c.IsLast));
    }

    [Fact]
    public void First_chunk_is_at_most_eight_words_when_the_first_clause_is_long()
    {
        var chunks = TextChunker.Split("Thank you for calling the city water department customer service line today and goodbye.");

        Assert.Equal("Thank you for calling the city water department", chunks[0].Text);
        Assert.Equal("customer service line today and goodbye.", chunks[1].Text);
        Assert.True(chunks[1].IsLast);
    }

    [Fact]
    public void First_clause_slightly_over_eight_words_is_kept_whole()
    {
        var chunks = TextChunker.Split("Thank you for calling Acme Insurance customer service today. Bye.");

        Assert.Equal("Thank you for calling Acme Insurance customer service today.", chunks[0].Text);
        Assert.Equal("Bye.", chunks[1].Text);
    }

    [Fact]
    public void Short_single_sentence_is_one_last_chunk()
    {
        var chunks = TextChunker.Split("Goodbye.");

        var chunk = Assert.Single(chunks);
        Assert.Equal("Goodbye.", chunk.Text);
        Assert.Equal(0, chunk.Index);
        Assert.True(chunk.IsLast);
    }

    [Fact]
    public void Long_sentences_split_at_clauses_within_thirty_words()
    {
        var clause = "one two three four five six seven eight nine ten eleven twelve";
        var text = $"Hi. {clause}, {clause}, {clause}; {clause}.";

        var chunks = TextChunker.Split(text);

        Assert.Equal("Hi.", chunks[0].Text);
        Assert.All(chunks, c => Assert.InRange(WordCount(c.Text), 1, TextChunker.MaxWords));
        Assert.Equal($"{clause}, {clause},", chunks[1].Text);
        Assert.Equal($"{clause}; {clause}.", chunks[2].Text);
        Assert.Equal(3, chunks.Count);
    }

    [Fact]
    public void Clause_longer_than_thirty_words_is_cut_hard()
    {
        var words = string.Join(' ', Enumerable.Range(0, 70).Select(i => "word"));
        var chunks = TextChunker.Split($"Yes. {words}.");

        Assert.Equal([1, 30, 30, 10], chunks.Select(c => WordCount(c.Text)));
        Assert.EndsWith(".", chunks[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    public void Empty_or_whitespace_text_gives_no_chunks(string text) => Assert.Empty(TextChunker.Split(text));

    [Theory]
    [InlineData("...")]
    [InlineData("Hello. . . !")]
    [InlineData("Wait , what ?")]
    [InlineData("Yes!!! No??? Maybe...")]
    public void Chunks_are_never_empty_or_punctuation_only(string text)
    {
        var chunks = TextChunker.Split(text);

        Assert.All(chunks, c => Assert.Contains(c.Text, ch => char.IsLetterOrDigit(ch)));
        if (chunks.Count > 0)
        {
            Assert.True(chunks[^1].IsLast);
            Assert.Equal(1, chunks.Count(c => c.IsLast));
        }
    }

    [Fact]
    public void Initials_do_not_end_a_sentence()
    {
        var chunks = TextChunker.Split("Hi. Your agent is J. Smith from the U.S. office. Bye.");

        Assert.Equal(["Hi.", "Your agent is J. Smith from the U.S. office.", "Bye."], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Line_breaks_end_sentences()
    {
        var chunks = TextChunker.Split("Menu\nPress one for sales");

        Assert.Equal(["Menu", "Press one for sales"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Joining_the_chunks_gives_back_every_word()
    {
        const string text = "Welcome back, Maria. Your order of three items ships on Monday, and arrives by Friday. Anything else?";

        var chunks = TextChunker.Split(text);

        Assert.Equal(text, string.Join(' ', chunks.Select(c => c.Text)));
    }

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
