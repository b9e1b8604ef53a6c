using System.Buffers.Binary;
using System.Text;

namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// Writes and reads the RTCP packets a voice endpoint needs (RFC 3550 §6.4, §6.5, §6.6): a compound
/// of SR (or RR) with at most one report block, then SDES with a CNAME; reading takes any compound
/// and returns the report blocks about us and the NTP time of the peer's SR.
/// </summary>
public static class RtcpPacket
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;

    /// <summary>Writes SR (when we have sent) or RR, then SDES CNAME; returns the length.</summary>
    public static int WriteCompound(Span<byte> buffer, uint ssrc, bool sender, ulong ntp, uint rtpTimestamp, uint packets, uint octets, RtcpReportBlock? block, string cname)
    {
        var offset = 0;
        var count = block is null ? 0 : 1;
        var words = (sender ? 6 : 1) + (count * 6); // length in 32-bit words minus one
        buffer[offset] = (byte)(0x80 | count);
        buffer[offset + 1] = sender ? SenderReport : ReceiverReport;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(offset + 2)..], (ushort)words);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 4)..], ssrc);
        offset += 8;
        if (sender)
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer[offset..], ntp);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 8)..], rtpTimestamp);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 12)..], packets);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 16)..], octets);
            offset += 20;
        }

        if (block is { } b)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer[offset..], b.Ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 4)..], ((uint)b.FractionLost << 24) | ((uint)b.CumulativeLost & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 8)..], b.ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 12)..], b.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 16)..], b.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 20)..], b.DelaySinceLastSenderReport);
            offset += 24;
        }

        // SDES: one chunk (our SSRC, CNAME item, end), padded to a 32-bit boundary (§6.5).
        var name = Encoding.ASCII.GetBytes(cname.Length > 255 ? cname[..255] : cname);
        var chunk = 4 + 2 + name.Length + 1;
        var padded = (chunk + 3) & ~3;
        buffer[offset] = 0x81;
        buffer[offset + 1] = SourceDescription;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(offset + 2)..], (ushort)(padded / 4));
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 4)..], ssrc);
        buffer[offset + 8] = 1; // CNAME
        buffer[offset + 9] = (byte)name.Length;
        name.CopyTo(buffer[(offset + 10)..]);
        buffer.Slice(offset + 10 + name.Length, padded - chunk + 1).Clear();
        return offset + 4 + padded;
    }

    /// <summary>
    /// Reads a compound packet: the report blocks about <paramref name="ourSsrc"/> and, when it holds an
    /// SR, its sender's NTP timestamp. False for anything that is not RTCP version 2.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, uint ourSsrc, out RtcpReportBlock? aboutUs, out ulong? senderNtp, out uint? senderSsrc)
    {
        aboutUs = null;
        senderNtp = null;
        senderSsrc = null;
        if (packet.Length < 8 || (packet[0] >> 6) != 2 || packet[1] is < 200 or > 204)
        {
            return false;
        }

        var offset = 0;
        while (offset + 4 <= packet.Length)
        {
            var header = packet[offset..];
            if ((header[0] >> 6) != 2)
            {
                return offset > 0;
            }

            var count = header[0] & 0x1F;
            var type = header[1];
            var length = (BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 1) * 4;
            if (offset + length > packet.Length || length < 8)
            {
                return offset > 0;
            }

            var body = packet.Slice(offset, length);
            var blocks = 8;
            if (type == SenderReport && length >= 28)
            {
                senderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                senderNtp = BinaryPrimitives.ReadUInt64BigEndian(body[8..]);
                blocks = 28;
            }
            else if (type == ReceiverReport)
            {
                senderSsrc ??= BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
            }

            if (type is SenderReport or ReceiverReport)
            {
                for (var i = 0; i < count && blocks + 24 <= length; i++, blocks += 24)
                {
                    var block = body[blocks..];
                    var ssrc = BinaryPrimitives.ReadUInt32BigEndian(block);
                    if (ssrc != ourSsrc)
                    {
                        continue;
                    }

                    var lost = BinaryPrimitives.ReadUInt32BigEndian(block[4..]);
                    var cumulative = (int)(lost & 0xFFFFFF);
                    if ((cumulative & 0x800000) != 0)
                    {
                        cumulative |= unchecked((int)0xFF000000); // 24-bit signed
                    }

                    aboutUs = new RtcpReportBlock(ssrc, (byte)(lost >> 24), cumulative, BinaryPrimitives.ReadUInt32BigEndian(block[8..]),
                        BinaryPrimitives.ReadUInt32BigEndian(block[12..]), BinaryPrimitives.ReadUInt32BigEndian(block[16..]), BinaryPrimitives.ReadUInt32BigEndian(block[20..]));
                }
            }

            offset += length;
        }

        return true;
    }

    /// <summary>NTP time (RFC 3550 §4: seconds since 1900 in the high 32 bits, fraction in the low 32).</summary>
    public static ulong NtpNow(DateTimeOffset now)
    {
        var since1900 = now.UtcDateTime - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = (ulong)since1900.TotalSeconds;
        var fraction = (ulong)((since1900.TotalSeconds - seconds) * 4294967296.0);
        return (seconds << 32) | fraction;
    }

    /// <summary>The middle 32 bits of an NTP timestamp, the unit of LSR and of round-trip arithmetic (§6.4.1).</summary>
    public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);
}
