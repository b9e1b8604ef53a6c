namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// Reception statistics of one source per RFC 3550 Appendix A.1 (extended sequence numbers,
/// expected vs received for loss) and A.8 (interarrival jitter in timestamp units). Single-threaded:
/// the stream's receive loop owns it.
/// </summary>
public sealed class RtpReceptionStatistics(int clockRate)
{
    private bool _initialized;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private long _lastTransit;
    private double _jitter;

    public long Received { get; private set; }

    /// <summary>Packets older than the highest sequence seen (reordered or duplicated).</summary>
    public long Late { get; private set; }

    public long Expected => _initialized ? (long)(_cycles + _maxSequence) - _baseSequence + 1 : 0;

    public long Lost => Math.Max(0, Expected - Received);

    /// <summary>The extended highest sequence number received (A.1: cycles in the high 16 bits).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Interarrival jitter in timestamp units, as RTCP report blocks carry it.</summary>
    public uint JitterTimestampUnits => (uint)_jitter;

    /// <summary>Interarrival jitter in milliseconds.</summary>
    public double JitterMilliseconds => _jitter * 1000.0 / clockRate;

    /// <summary>Records a packet. Returns false when it is older than the newest one seen (play it no more).</summary>
    public bool Update(ushort sequence, uint rtpTimestamp, long arrivalTicks, long ticksPerSecond)
    {
        Received++;
        if (!_initialized)
        {
            _initialized = true;
            _baseSequence = sequence;
            _maxSequence = sequence;
        }
        else
        {
            var delta = (ushort)(sequence - _maxSequence);
            if (delta == 0 || delta >= 0x8000)
            {
                Late++;
                return false;
            }

            if (sequence < _maxSequence)
            {
                _cycles += 65536; // wrapped
            }

            _maxSequence = sequence;
        }

        // A.8: transit = arrival (in timestamp units) - RTP timestamp; J += (|D| - J) / 16.
        var arrival = (long)(arrivalTicks * (double)clockRate / ticksPerSecond);
        var transit = arrival - rtpTimestamp;
        if (Received > 1)
        {
            var d = Math.Abs(transit - _lastTransit);
            _jitter += (d - _jitter) / 16.0;
        }

        _lastTransit = transit;
        return true;
    }
}
