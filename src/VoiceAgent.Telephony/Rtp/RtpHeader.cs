using System.Buffers.Binary;

namespace VoiceAgent.Telephony.Rtp;

/// <summary>The fixed RTP header (RFC 3550 §5.1). Parsed from and written to spans; no allocation.</summary>
public readonly record struct RtpHeader(bool Marker, byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc)
{
    /// <summary>Size of the header this type writes (no CSRCs, no extension).</summary>
    public const int Size = 12;

    /// <summary>
    /// Parses version 2 packets, skipping CSRCs and a header extension and removing padding.
    /// Returns false for anything that is not a well-formed RTP packet.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header, out int payloadOffset, out int payloadLength)
    {
        header = default;
        payloadOffset = 0;
        payloadLength = 0;
        if (packet.Length < Size || packet[0] >> 6 != 2)
        {
            return false;
        }

        var padding = (packet[0] & 0x20) != 0;
        var extension = (packet[0] & 0x10) != 0;
        var csrcCount = packet[0] & 0x0F;
        var offset = Size + csrcCount * 4;
        if (extension)
        {
            if (packet.Length < offset + 4)
            {
                return false;
            }

            offset += 4 + BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) * 4;
        }

        var end = packet.Length;
        if (padding)
        {
            var pad = packet[^1];
            if (pad == 0 || pad > end - offset)
            {
                return false;
            }

            end -= pad;
        }

        if (offset > end)
        {
            return false;
        }

        header = new RtpHeader(
            (packet[1] & 0x80) != 0,
            (byte)(packet[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
        payloadOffset = offset;
        payloadLength = end - offset;
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = 0x80; // V=2, no padding, no extension, no CSRC
        destination[1] = (byte)((Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
    }
}
