using System.Diagnostics.Metrics;
using System.Net;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// A token bucket per source address (new INVITEs, or other requests): a flood from one address (a
/// scanner, a looping PBX) is refused instead of taking every RTP port, TTS session or CPU cycle.
/// Retransmissions absorbed by a transaction never reach it. Memory is bounded: at
/// <see cref="MaxTrackedSources"/> the least recently seen source is forgotten (it starts again with a
/// full bucket), so a spoofed-address flood cannot reset the buckets of the sources being limited.
/// </summary>
internal sealed class SourceRateLimiter
{
    public const int DefaultMaxTrackedSources = 10_000;

    private static readonly Counter<long> Evicted = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.sip.limiter.evicted", "{source}", "Sources a per-source SIP rate limiter forgot (least recently seen first) to stay within its bound.");

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, LinkedListNode<Bucket>> _buckets = [];
    // Most recently seen first; the last node is the one to evict.
    private readonly LinkedList<Bucket> _recency = new();
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly TimeProvider _time;

    /// <param name="perSecond">Sustained rate per source; 0 or less: no limit.</param>
    /// <param name="burst">Bucket size: how many may come at once.</param>
    public SourceRateLimiter(double perSecond, int burst, TimeProvider time, int maxTrackedSources = DefaultMaxTrackedSources)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedSources, 1);
        _perSecond = perSecond;
        _burst = Math.Max(1, burst);
        _time = time;
        MaxTrackedSources = maxTrackedSources;
    }

    public int MaxTrackedSources { get; }

    /// <summary>Sources with a bucket now.</summary>
    public int TrackedSources
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes a token for <paramref name="source"/>; false when its bucket is empty.</summary>
    public bool TryAcquire(IPAddress source)
    {
        if (_perSecond <= 0)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_buckets.TryGetValue(source, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                if (_buckets.Count >= MaxTrackedSources)
                {
                    var oldest = _recency.Last!;
                    _recency.RemoveLast();
                    _buckets.Remove(oldest.Value.Source);
                    Evicted.Add(1);
                }

                node = _recency.AddFirst(new Bucket(source, _burst, now));
                _buckets[source] = node;
            }

            var bucket = node.Value;
            var elapsed = _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + (elapsed * _perSecond));
            bucket.Stamp = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket(IPAddress source, double tokens, long stamp)
    {
        public IPAddress Source { get; } = source;

        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
