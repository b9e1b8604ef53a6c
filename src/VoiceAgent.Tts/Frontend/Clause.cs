namespace VoiceAgent.Tts.Frontend;

/// <summary>A clause of text and the punctuation that ended it ("" when the text ended without any).</summary>
internal readonly record struct Clause(string Text, string Punctuation)
{
    public int WordCount => ClauseSplitter.CountWords(Text);
}
