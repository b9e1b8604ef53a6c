using System.Buffers.Binary;
using System.Diagnostics;

namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// Decodes RFC 4733 telephone-event payloads into digits. One event is identified by its RTP
/// timestamp (§2.5.1.2: all packets of an event share the start timestamp); the end bit is sent
/// three times (§2.5.1.4), so an event is reported at its first end packet and never again.
/// </summary>
public sealed class DtmfEventDecoder
{
    private const string Events = "0123456789*#ABCD";
    private readonly int _clockRate;
    private uint _lastReportedTimestamp;
    private bool _hasReported;

    public DtmfEventDecoder(int clockRate = 8000) => _clockRate = clockRate;

    /// <summary>Feeds one telephone-event payload. Returns true with the digit when an event just ended.</summary>
    public bool TryDecode(ReadOnlySpan<byte> payload, uint rtpTimestamp, out DtmfDigit digit)
    {
        digit = default;
        if (payload.Length < 4)
        {
            return false;
        }

        var eventCode = payload[0];
        var end = (payload[1] & 0x80) != 0;
        if (!end || eventCode >= Events.Length)
        {
            return false;
        }

        if (_hasReported && rtpTimestamp == _lastReportedTimestamp)
        {
            return false; // a retransmitted end packet of the event already reported
        }

        _hasReported = true;
        _lastReportedTimestamp = rtpTimestamp;
        var duration = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        digit = new DtmfDigit(Events[eventCode], duration * 1000 / _clockRate, Stopwatch.GetTimestamp());
        return true;
    }
}
