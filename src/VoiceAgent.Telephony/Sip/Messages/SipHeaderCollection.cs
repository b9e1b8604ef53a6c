using System.Collections;

namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>
/// Ordered header list with case-insensitive lookup by canonical name. Order matters in SIP
/// (Via, Route, Record-Route), so headers are kept as they came and lookups scan.
/// </summary>
public sealed class SipHeaderCollection : IEnumerable<SipHeader>
{
    private readonly List<SipHeader> _headers;

    public SipHeaderCollection() => _headers = [];

    public SipHeaderCollection(IEnumerable<SipHeader> headers) => _headers = [.. headers];

    public int Count => _headers.Count;

    /// <summary>Appends a header; the name is canonicalized (compact forms expanded).</summary>
    public void Add(string name, string value) => _headers.Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));

    /// <summary>First value of the header, or null.</summary>
    public string? Get(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var h in _headers)
        {
            if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    /// <summary>All header lines with this name, in order (each may still hold comma-separated values).</summary>
    public IEnumerable<string> GetAll(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var h in _headers)
        {
            if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                yield return h.Value;
            }
        }
    }

    /// <summary>Replaces the first line of this header in place, keeping its position (Via order matters).</summary>
    public bool ReplaceFirst(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return false;
        }

        _headers[index] = new SipHeader(canonical, value);
        return true;
    }

    public bool Remove(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        return _headers.RemoveAll(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    public IEnumerator<SipHeader> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
