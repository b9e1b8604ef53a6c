namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Text arriving in pieces (an LLM's tokens) turned into sayable clauses: a clause is released as
/// soon as its punctuation (. ! ? ; : or a comma after a few words) is followed by a space, so speech
/// starts on the first clause instead of the whole reply; <c>final</c> releases the rest.
/// Each character is examined once (work linear in the text, whatever the pieces), and text with no
/// clause end is released in clauses of at most <see cref="MaxClauseLength"/> characters, so what is
/// held between messages is bounded.
/// </summary>
internal sealed class StreamedSayBuffer
{
    /// <summary>The longest clause released, and so the most text held back waiting for punctuation.</summary>
    public const int MaxClauseLength = 1000;

    private const int MinCommaClauseWords = 4;
    private readonly char[] _pending = new char[MaxClauseLength + 1]; // a fixed buffer: a StringBuilder's indexer walks its chunks
    private int _length;
    private int _scanned;   // characters of _pending already examined as possible clause ends
    private int _words;     // words in _pending[.._scanned]
    private bool _inWord;

    /// <summary>Characters held back waiting for the end of their clause.</summary>
    public int PendingLength => _length;

    /// <summary>Adds <paramref name="piece"/> and returns the clauses now complete.</summary>
    public IReadOnlyList<string> Add(string piece, bool final)
    {
        var clauses = new List<string>();
        var offset = 0;
        while (offset < piece.Length)
        {
            // Take the piece in slices so the buffer never holds much more than one clause.
            var take = Math.Min(piece.Length - offset, _pending.Length - _length);
            piece.CopyTo(offset, _pending, _length, take);
            _length += take;
            offset += take;
            Scan(clauses);
            if (_length > MaxClauseLength)
            {
                ReleaseLongRun(clauses);
            }
        }

        if (final)
        {
            Release(0, _length, clauses);
            _length = 0;
            _scanned = 0;
        }

        return clauses;
    }

    /// <summary>Examines each new character once; the last one waits for the next, which says whether a clause ends there.</summary>
    private void Scan(List<string> clauses)
    {
        var start = 0;
        for (var i = _scanned; i < _length - 1; i++)
        {
            var c = _pending[i];
            if (char.IsWhiteSpace(c))
            {
                _inWord = false;
            }
            else if (!_inWord)
            {
                _inWord = true;
                _words++;
            }

            if (char.IsWhiteSpace(_pending[i + 1]) && (c is '.' or '!' or '?' or ';' or ':' || (c == ',' && _words >= MinCommaClauseWords)))
            {
                Release(start, i + 1 - start, clauses);
                start = i + 1;
            }
        }

        // One removal per call, not per clause: the work stays linear in the text.
        RemoveFirst(start);
        _scanned = Math.Max(0, _length - 1);
    }

    /// <summary>No clause end in MaxClauseLength characters: release up to the last space (or all of it), as a speaker would breathe.</summary>
    private void ReleaseLongRun(List<string> clauses)
    {
        var cut = MaxClauseLength;
        for (var i = MaxClauseLength - 1; i > MaxClauseLength / 2; i--)
        {
            if (char.IsWhiteSpace(_pending[i]))
            {
                cut = i;
                break;
            }
        }

        Release(0, cut, clauses);
        RemoveFirst(cut);
        _scanned = 0;
        Scan(clauses);
    }

    private void Release(int start, int length, List<string> clauses)
    {
        var clause = new string(_pending, start, length);
        if (!string.IsNullOrWhiteSpace(clause))
        {
            clauses.Add(clause.Trim());
        }

        _words = 0;
        _inWord = false;
    }

    private void RemoveFirst(int count)
    {
        if (count > 0)
        {
            Array.Copy(_pending, count, _pending, 0, _length - count);
            _length -= count;
        }
    }
}
