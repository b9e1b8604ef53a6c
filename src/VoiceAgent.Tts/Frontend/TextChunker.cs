using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Tts.Frontend;

/// <summary>
/// Splits normalized text into streaming chunks. The first chunk is short (the first clause, or at most about
/// <see cref="FirstChunkMaxWords"/> words) so audio can start while the rest is generated; after that one chunk per
/// sentence, with sentences longer than <see cref="MaxWords"/> words split at clause boundaries (and hard at
/// <see cref="MaxWords"/> words where a clause is longer still).
/// </summary>
public static class TextChunker
{
    public const int FirstChunkMaxWords = 8;

    public const int MaxWords = 30;

    /// <summary>A first clause this many words over <see cref="FirstChunkMaxWords"/> is kept whole rather than leave a stub of a word or two.</summary>
    private const int FirstChunkSlackWords = 2;

    public static IReadOnlyList<TextChunk> Split(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var pieces = new List<string>();
        var first = true;
        foreach (var sentence in SentenceSplitter.Split(normalizedText))
        {
            var clauses = ClauseSplitter.Split(sentence);
            if (first)
            {
                first = false;
                clauses = TakeFirstChunk(clauses, pieces);
            }

            PackClauses(clauses, pieces);
        }

        var chunks = new TextChunk[pieces.Count];
        for (var i = 0; i < pieces.Count; i++)
        {
            chunks[i] = new TextChunk(i, pieces[i], i == pieces.Count - 1);
        }

        return chunks;
    }

    /// <summary>Emits the first chunk from the first sentence's clauses and returns what is left of that sentence.</summary>
    private static IReadOnlyList<Clause> TakeFirstChunk(IReadOnlyList<Clause> clauses, List<string> pieces)
    {
        if (clauses.Count == 0)
        {
            return clauses;
        }

        var head = clauses[0];
        var words = SplitWords(head.Text);
        if (words.Length <= FirstChunkMaxWords + FirstChunkSlackWords)
        {
            AddPiece(pieces, Join(head));
            return clauses.Skip(1).ToList();
        }

        AddPiece(pieces, string.Join(' ', words[..FirstChunkMaxWords]));
        var rest = new List<Clause> { new(string.Join(' ', words[FirstChunkMaxWords..]), head.Punctuation) };
        rest.AddRange(clauses.Skip(1));
        return rest;
    }

    /// <summary>Greedily packs clauses into pieces of at most <see cref="MaxWords"/> words; a longer clause is cut hard.</summary>
    private static void PackClauses(IReadOnlyList<Clause> clauses, List<string> pieces)
    {
        var current = new List<string>();
        var currentWords = 0;
        foreach (var clause in clauses)
        {
            var words = SplitWords(clause.Text);
            if (currentWords > 0 && currentWords + words.Length > MaxWords)
            {
                AddPiece(pieces, string.Join(' ', current));
                current.Clear();
                currentWords = 0;
            }

            // A single clause longer than the limit: emit full slices, keep the tail (with the punctuation) open.
            var start = 0;
            while (words.Length - start > MaxWords)
            {
                AddPiece(pieces, string.Join(' ', words[start..(start + MaxWords)]));
                start += MaxWords;
            }

            var tail = string.Join(' ', words[start..]) + clause.Punctuation;
            if (tail.Length > 0)
            {
                current.Add(tail);
                currentWords += words.Length - start;
            }
        }

        if (current.Count > 0)
        {
            AddPiece(pieces, string.Join(' ', current));
        }
    }

    private static void AddPiece(List<string> pieces, string piece)
    {
        var trimmed = piece.Trim();
        // Punctuation alone is nothing to say: attach it to the previous piece instead of emitting an empty chunk.
        if (!trimmed.Any(char.IsLetterOrDigit))
        {
            if (pieces.Count > 0 && trimmed.Length > 0)
            {
                pieces[^1] += trimmed;
            }

            return;
        }

        pieces.Add(trimmed);
    }

    private static string Join(Clause clause) => clause.Text + clause.Punctuation;

    private static string[] SplitWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
