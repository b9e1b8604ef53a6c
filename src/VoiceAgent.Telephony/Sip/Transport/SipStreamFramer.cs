using System.Buffers.Text;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>What <see cref="SipStreamFramer.Next"/> found at the front of the stream.</summary>
internal enum SipFrame
{
    /// <summary>Not a whole message yet: read more.</summary>
    Incomplete,

    /// <summary>One whole message (headers and exactly Content-Length bytes of body).</summary>
    Message,

    /// <summary>A CRLF CRLF keep-alive ping (RFC 5626 §3.5.1), answered with one CRLF.</summary>
    Ping,

    /// <summary>The message would exceed the size limit: the stream cannot be trusted any more.</summary>
    Oversized,

    /// <summary>No usable Content-Length: on a stream the message's end cannot be found (RFC 3261 §18.3).</summary>
    NoContentLength,
}

/// <summary>
/// Cuts a SIP byte stream (TCP) into messages, RFC 3261 §18.3: the headers end at the first empty
/// line and the body is exactly Content-Length bytes, which "MUST be used with stream oriented
/// transports". CRLFs before a start line are skipped (§7.5); a double CRLF is a keep-alive ping.
/// The connection reads straight into <see cref="FreeSpace"/>; the buffer grows up to the size
/// limit and no further, so a peer cannot make us hold more than one message's worth.
/// </summary>
internal sealed class SipStreamFramer(int maxMessageSize)
{
    private const int InitialSize = 4096;
    private byte[] _buffer = new byte[InitialSize];
    private int _start;
    private int _end;

    /// <summary>Bytes received but not yet handed out.</summary>
    public int Buffered => _end - _start;

    /// <summary>Where the next read goes. Invalidates the message memory handed out before.</summary>
    public Memory<byte> FreeSpace()
    {
        if (_start > 0)
        {
            // Move the unread tail to the front so the buffer never creeps forward.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxMessageSize + 4));
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Records that <paramref name="count"/> bytes were read into <see cref="FreeSpace"/>.</summary>
    public void Commit(int count) => _end += count;

    /// <summary>Takes the next frame off the front; <paramref name="message"/> is valid until the next <see cref="FreeSpace"/>.</summary>
    public SipFrame Next(out ReadOnlyMemory<byte> message)
    {
        message = default;
        while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n')
        {
            if (_end - _start < 4)
            {
                return SipFrame.Incomplete; // perhaps the first half of a ping
            }

            if (_buffer[_start + 2] == '\r' && _buffer[_start + 3] == '\n')
            {
                _start += 4;
                return SipFrame.Ping;
            }

            _start += 2;
        }

        var data = _buffer.AsSpan(_start, _end - _start);
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return data.Length > maxMessageSize ? SipFrame.Oversized : SipFrame.Incomplete;
        }

        if (!TryReadContentLength(data[..(headerEnd + 2)], out var bodyLength))
        {
            return SipFrame.NoContentLength;
        }

        var total = (long)headerEnd + 4 + bodyLength;
        if (total > maxMessageSize)
        {
            return SipFrame.Oversized;
        }

        if (data.Length < total)
        {
            return SipFrame.Incomplete;
        }

        message = _buffer.AsMemory(_start, (int)total);
        _start += (int)total;
        return SipFrame.Message;
    }

    /// <summary>Finds Content-Length (or its compact form <c>l</c>, §7.3.3) at the start of a header line.</summary>
    private static bool TryReadContentLength(ReadOnlySpan<byte> headers, out int length)
    {
        length = 0;
        var lineStart = headers.IndexOf("\r\n"u8) + 2; // skip the start line
        while (lineStart > 1 && lineStart < headers.Length)
        {
            var rest = headers[lineStart..];
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && IsContentLengthName(line[..colon].TrimEnd(" \t"u8)))
            {
                var value = line[(colon + 1)..].Trim(" \t"u8);
                return Utf8Parser.TryParse(value, out length, out var consumed) && consumed == value.Length && length >= 0;
            }

            lineStart = lineEnd < 0 ? headers.Length : lineStart + lineEnd + 2;
        }

        return false;
    }

    private static bool IsContentLengthName(ReadOnlySpan<byte> name)
        => System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "l"u8);
}
