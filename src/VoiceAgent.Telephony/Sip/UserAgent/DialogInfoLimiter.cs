using System.Diagnostics.Metrics;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// A token bucket of INFO requests for one dialog: a peer may send keys as fast as a person or an
/// auto-dialer plausibly presses them (<see cref="PerSecond"/>, bursts of <see cref="Burst"/>); a
/// flood (a probe sent 2,000 INFOs in a second, each one an event in the call's record and a key
/// for its script) gets 503 with Retry-After instead of reaching the host.
/// </summary>
internal sealed class DialogInfoLimiter(TimeProvider time)
{
    /// <summary>RFC 4733 §2.5.1.2 puts a key at 40 ms of tone plus a pause at the fastest: about 12 per second.</summary>
    public const double PerSecond = 20;

    public const int Burst = 40;

    private static readonly Counter<long> Refused = TelephonyMetrics.Meter.CreateCounter<long>("voiceagent.sip.info_rate_limited", "{request}", "SIP INFO requests refused with 503 because their dialog sent them too fast");
    private readonly Lock _gate = new();
    private double _tokens = Burst;
    private long _stamp = time.GetTimestamp();

    /// <summary>INFOs of this dialog refused so far.</summary>
    public int RefusedCount { get; private set; }

    /// <summary>Takes a token; false (counted) when the dialog has none left.</summary>
    public bool TryAccept()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (time.GetElapsedTime(_stamp, now).TotalSeconds * PerSecond));
            _stamp = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }

            RefusedCount++;
            Refused.Add(1);
            return false;
        }
    }
}
