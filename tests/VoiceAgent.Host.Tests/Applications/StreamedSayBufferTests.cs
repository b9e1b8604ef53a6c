using VoiceAgent.Host.Applications.Streams;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class StreamedSayBufferTests
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
}
