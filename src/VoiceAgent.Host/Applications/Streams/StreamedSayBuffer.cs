using System.Text;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Text arriving in pieces (an LLM's tokens) turned into sayable clauses: a clause is released as
/// soon as its punctuation (. ! ? ; : or a comma after a few words) is followed by a space, so speech
/// starts on the first clause instead of the whole reply; <c>final</c> releases the rest.
/// </summary>
internal sealed class StreamedSayBuffer
{
    private const int MinCommaClauseWords = 4;
    private readonly StringBuilder _pending = new();

    /// <summary>Adds <paramref name="piece"/> and returns the clauses now complete.</summary>
    public IReadOnlyList<string> Add(string piece, bool final)
    {
        _pending.Append(piece);
        var clauses = new List<string>();
        var text = _pending.ToString();
        var start = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (!char.IsWhiteSpace(text[i + 1]))
            {
                continue;
            }

            var c = text[i];
            var clause = text[start..(i + 1)];
            if (c is '.' or '!' or '?' or ';' or ':' || (c == ',' && clause.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= MinCommaClauseWords))
            {
                if (!string.IsNullOrWhiteSpace(clause))
                {
                    clauses.Add(clause.Trim());
                }

                start = i + 1;
            }
        }

        var rest = text[start..];
        _pending.Clear().Append(rest);
        if (final)
        {
            if (!string.IsNullOrWhiteSpace(rest))
            {
                clauses.Add(rest.Trim());
            }

            _pending.Clear();
        }

        return clauses;
    }
}
