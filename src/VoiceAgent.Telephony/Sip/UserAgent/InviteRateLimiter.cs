using System.Collections.Concurrent;
using System.Net;

namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>
/// A token bucket per source address for new INVITEs: a flood from one address (a scanner, a
/// looping PBX) is answered 503 with Retry-After instead of taking every RTP port and TTS session.
/// Retransmissions never reach it (the transaction layer absorbs them).
/// </summary>
internal sealed class InviteRateLimiter(double invitesPerSecond, int burst, TimeProvider time)
{
    private const int MaxTrackedSources = 10_000;
    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();

    public bool TryAcquire(IPAddress source)
    {
        if (invitesPerSecond <= 0)
        {
            return true;
        }

        var now = time.GetTimestamp();
        if (_buckets.Count > MaxTrackedSources)
        {
            // Bounded memory under a spoofed-address flood: forget everyone (they start with a full bucket again).
            _buckets.Clear();
        }

        var bucket = _buckets.GetOrAdd(source, _ => new Bucket(burst, now));
        lock (bucket)
        {
            var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * invitesPerSecond));
            bucket.Stamp = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
