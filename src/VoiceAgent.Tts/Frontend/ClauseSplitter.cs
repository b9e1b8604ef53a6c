namespace VoiceAgent.Tts.Frontend;

/// <summary>
/// Splits text at clause punctuation (, ; : . ! ? …) that is followed by whitespace or the end of the text, so a
/// decimal point or a thousands separator inside a token never splits it.
/// </summary>
internal static class ClauseSplitter
{
    public static bool IsClausePunctuation(char c) => c is ',' or ';' or ':' or '.' or '!' or '?' or '…';

    public static bool IsSentencePunctuation(char c) => c is '.' or '!' or '?' or '…';

    public static IReadOnlyList<Clause> Split(string text)
    {
        var clauses = new List<Clause>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!IsClausePunctuation(text[i]))
            {
                i++;
                continue;
            }

            var punctuationStart = i;
            while (i < text.Length && IsClausePunctuation(text[i]))
            {
                i++;
            }

            if (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                continue;
            }

            Add(clauses, text[start..punctuationStart], text[punctuationStart..i]);
            start = i;
        }

        if (start < text.Length)
        {
            Add(clauses, text[start..], string.Empty);
        }

        return clauses;
    }

    public static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }

    private static void Add(List<Clause> clauses, string text, string punctuation)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 0 || punctuation.Length > 0)
        {
            clauses.Add(new Clause(trimmed, punctuation));
        }
    }
}
