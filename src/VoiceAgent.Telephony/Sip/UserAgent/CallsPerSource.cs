using System.Net;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// Inbound calls in progress per source address, so that one address cannot take every call slot
/// (Sip:MaxCallsPerSource). An entry lives only while its source has a call, so the table is
/// bounded by the global call limit.
/// </summary>
internal sealed class CallsPerSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _calls = [];

    /// <summary>Counts a new call from <paramref name="source"/> unless it already has <paramref name="cap"/> (0: no cap).</summary>
    public bool TryEnter(IPAddress source, int cap)
    {
        lock (_gate)
        {
            var current = _calls.GetValueOrDefault(source);
            if (cap > 0 && current >= cap)
            {
                return false;
            }

            _calls[source] = current + 1;
            return true;
        }
    }

    /// <summary>A call from <paramref name="source"/> ended.</summary>
    public void Leave(IPAddress source)
    {
        lock (_gate)
        {
            if (!_calls.TryGetValue(source, out var current))
            {
                return;
            }

            if (current <= 1)
            {
                _calls.Remove(source);
            }
            else
            {
                _calls[source] = current - 1;
            }
        }
    }
}
