namespace VoiceAgent.Tts.Frontend;

/// <summary>
/// Splits normalized text into sentences at . ! ? … (with any closing quotes or brackets) followed by whitespace,
/// and at line breaks. A period after a single letter ("J. Smith", "U.S. Army") is an initial, not a sentence end.
/// </summary>
internal static class SentenceSplitter
{
    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                Add(sentences, text[start..i]);
                start = i + 1;
                continue;
            }

            if (!ClauseSplitter.IsSentencePunctuation(c))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (ClauseSplitter.IsSentencePunctuation(text[end]) || text[end] is '"' or '\'' or ')' or ']' or '”' or '’' or '»'))
            {
                end++;
            }

            if ((end < text.Length && !char.IsWhiteSpace(text[end])) || (c == '.' && FollowsInitial(text, i)))
            {
                i = end - 1;
                continue;
            }

            Add(sentences, text[start..end]);
            start = end;
            i = end - 1;
        }

        Add(sentences, text[start..]);
        return sentences;
    }

    /// <summary>True when the word before the period at <paramref name="dot"/> is a single letter (an initial).</summary>
    private static bool FollowsInitial(string text, int dot)
    {
        var wordStart = dot;
        while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, dot - wordStart);
        var letters = 0;
        foreach (var ch in word)
        {
            letters += char.IsLetter(ch) ? 1 : 0;
        }

        // "U.S" and "J" are initials; "Hi" or "dog" are words.
        return letters == 1 || (word.Contains('.') && letters == word.Length - word.Count('.'));
    }

    private static void Add(List<string> sentences, string sentence)
    {
        var trimmed = sentence.Trim();
        if (trimmed.Length > 0)
        {
            sentences.Add(trimmed);
        }
    }
}
