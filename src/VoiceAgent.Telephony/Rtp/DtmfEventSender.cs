using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// Sends keys as RFC 4733 telephone events in a stream's own RTP sequence: each key is 8 packets
/// (160 ms) with a growing duration, then 3 end packets with the final duration (§2.5.1.4, the end
/// is repeated for loss), then 3 frames of ordinary audio before the next key. Every packet of an
/// event carries the event's start timestamp; the first has the marker bit (§2.5.1.3). Used by the
/// media clock thread only (no locking on the event state).
/// </summary>
internal sealed class DtmfEventSender(int clockRate)
{
    private const int TonePackets = 8;
    private const int EndPackets = 3;
    private const int GapPackets = 3;
    private const byte Volume = 10;
    private readonly ConcurrentQueue<byte> _pending = new();
    private readonly int _durationStep = clockRate / 50;
    private int _packet = -1;
    private int _gap;
    private byte _event;
    private int _queued;

    /// <summary>Keys queued or being sent.</summary>
    public int Pending => Volatile.Read(ref _queued);

    /// <summary>Queues <paramref name="digits"/> (0-9, *, #, A-D); false when one of them is not a key.</summary>
    public bool Queue(string digits)
    {
        var codes = new List<byte>();
        foreach (var digit in digits)
        {
            var code = "0123456789*#ABCD".IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
            if (code < 0)
            {
                return false;
            }

            codes.Add((byte)code);
        }

        foreach (var code in codes)
        {
            Interlocked.Increment(ref _queued);
            _pending.Enqueue(code);
        }

        return true;
    }

    /// <summary>
    /// Called for each 20 ms slot: true when this slot carries an event packet, written to
    /// <paramref name="payload"/> (4 bytes), with whether it starts the event and the timestamp offset
    /// back to the event's start (in slots).
    /// </summary>
    public bool TryNext(Span<byte> payload, out bool first, out int slotsSinceStart)
    {
        first = false;
        slotsSinceStart = 0;
        if (_packet < 0)
        {
            if (_gap > 0)
            {
                _gap--;
                return false;
            }

            if (!_pending.TryDequeue(out _event))
            {
                return false;
            }

            _packet = 0;
            first = true;
        }

        var tone = Math.Min(_packet + 1, TonePackets);
        var end = _packet >= TonePackets;
        payload[0] = _event;
        payload[1] = (byte)((end ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(payload[2..], (ushort)(tone * _durationStep));
        slotsSinceStart = _packet;
        _packet++;
        if (_packet == TonePackets + EndPackets)
        {
            _packet = -1;
            _gap = GapPackets;
            Interlocked.Decrement(ref _queued);
        }

        return true;
    }
}
