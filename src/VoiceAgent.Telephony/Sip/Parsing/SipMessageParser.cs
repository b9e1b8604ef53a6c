using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>Parses one SIP message from a UDP datagram or a framed TCP message (RFC 3261 §7, §18.3).</summary>
public static class SipMessageParser
{
    /// <summary>Default maximum message size in bytes (RFC 3261 §18.1.1 keeps UDP under the path MTU; 64 KiB is the UDP ceiling).</summary>
    public const int DefaultMaxMessageSize = 65_535;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Never throws: malformed input yields false and a typed <paramref name="error"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> input, out SipMessage? message, out SipParseError? error)
        => TryParse(input, DefaultMaxMessageSize, out message, out error);

    public static bool TryParse(ReadOnlySpan<byte> input, int maxMessageSize, out SipMessage? message, out SipParseError? error)
    {
        message = null;
        try
        {
            return TryParseCore(input, maxMessageSize, out message, out error);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            // Defence in depth: a grammar corner we did not foresee is a malformed message, not a crash.
            error = new SipParseError(SipParseErrorKind.NotSip, "unparseable message: " + ex.Message, 0, null);
            return false;
        }
    }

    private static bool TryParseCore(ReadOnlySpan<byte> input, int maxMessageSize, out SipMessage? message, out SipParseError? error)
    {
        message = null;
        error = null;
        // RFC 5626 §3.5.1 keep-alives and stray line ends precede messages: skip leading CRLFs.
        while (!input.IsEmpty && input[0] is (byte)'\r' or (byte)'\n')
        {
            input = input[1..];
        }

        if (input.Length < 12 || !LooksLikeText(input[..Math.Min(input.Length, 12)]))
        {
            error = new SipParseError(SipParseErrorKind.NotSip, "not a SIP message", 0, null);
            return false;
        }

        var headerEnd = FindHeaderEnd(input, out var separatorLength);
        if (headerEnd < 0)
        {
            headerEnd = input.Length;
            separatorLength = 0;
        }

        var lines = UnfoldLines(Utf8.GetString(input[..headerEnd]));
        if (lines.Count == 0)
        {
            error = new SipParseError(SipParseErrorKind.NotSip, "empty message", 0, null);
            return false;
        }

        var startLine = SipStartLine.Parse(lines[0]);
        if (startLine.Error is { } startError && !startLine.IsRequest)
        {
            error = new SipParseError(startLine.ErrorKind, startError, 0, null);
            return false;
        }

        var headers = new SipHeaderCollection();
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon].TrimEnd() : string.Empty;
            if (!SipGrammar.IsToken(name))
            {
                return Fail(startLine, headers, SipParseErrorKind.BadHeader, $"malformed header line '{Truncate(line)}'", 400, out error);
            }

            headers.Add(name, line[(colon + 1)..].Trim());
        }

        if (startLine.Error is { } requestLineError)
        {
            // A request line we can read the method of, with a broken URI: answer 400 when addressable.
            return Fail(startLine, headers, startLine.ErrorKind, requestLineError, 400, out error);
        }

        if (startLine.IsRequest && startLine.VersionUnsupported)
        {
            return Fail(startLine, headers, SipParseErrorKind.UnsupportedVersion, $"SIP version '{startLine.Version}' is not supported", 505, out error);
        }

        if (headerEnd + separatorLength > maxMessageSize || input.Length > maxMessageSize)
        {
            return Fail(startLine, headers, SipParseErrorKind.TooLarge, $"message larger than {maxMessageSize} bytes", 513, out error);
        }

        if (separatorLength == 0)
        {
            return Fail(startLine, headers, SipParseErrorKind.BadHeader, "no empty line after the headers", 400, out error);
        }

        var available = input[(headerEnd + separatorLength)..];
        if (!TryReadBody(headers, available, out var body, out var bodyError))
        {
            return Fail(startLine, headers, SipParseErrorKind.BadContentLength, bodyError!, 400, out error);
        }

        if (SipMessageValidator.Validate(startLine, headers) is { } invalid)
        {
            return Fail(startLine, headers, invalid.Kind, invalid.Detail, 400, out error);
        }

        message = startLine.IsRequest
            ? new SipRequest(startLine.Method!, startLine.RequestUri!, headers, body)
            : new SipResponse(startLine.StatusCode, startLine.ReasonPhrase!, headers, body);
        return true;
    }

    private static bool Fail(SipStartLine startLine, SipHeaderCollection headers, SipParseErrorKind kind, string detail, int status, out SipParseError error)
    {
        // Broken responses are dropped (RFC 3261 §18.1.2 gives no way to answer them).
        if (!startLine.IsRequest)
        {
            error = new SipParseError(kind, detail, 0, null);
            return false;
        }

        error = new SipParseError(kind, detail, status, PartialRequestFor(startLine, headers));
        return false;
    }

    /// <summary>A request with just what a response must echo (RFC 3261 §8.2.6.2), when all of it is there.</summary>
    private static SipRequest? PartialRequestFor(SipStartLine startLine, SipHeaderCollection headers)
    {
        var partial = new SipHeaderCollection();
        foreach (var name in new[] { SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq })
        {
            var found = false;
            foreach (var value in headers.GetAll(name))
            {
                partial.Add(name, value);
                found = true;
            }

            if (!found)
            {
                return null;
            }
        }

        var topVia = SipHeaderValueSplitter.Split(headers.Get(SipHeaderNames.Via)!).FirstOrDefault();
        if (topVia is null || !SipVia.TryParse(topVia, out _))
        {
            return null; // Without a usable Via there is nowhere to send the response.
        }

        return new SipRequest(startLine.Method!, startLine.RequestUri ?? string.Empty, partial);
    }

    private static bool TryReadBody(SipHeaderCollection headers, ReadOnlySpan<byte> available, out ReadOnlyMemory<byte> body, out string? error)
    {
        body = ReadOnlyMemory<byte>.Empty;
        error = null;
        string? declared = null;
        foreach (var value in headers.GetAll(SipHeaderNames.ContentLength))
        {
            if (declared is not null && declared != value)
            {
                error = "conflicting Content-Length values"; // RFC 4475 §3.3.9
                return false;
            }

            declared = value;
        }

        if (declared is null)
        {
            // RFC 3261 §18.3: over UDP the body is the rest of the datagram.
            body = available.ToArray();
            return true;
        }

        if (!int.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            error = $"invalid Content-Length '{Truncate(declared)}'";
            return false;
        }

        if (length > available.Length)
        {
            error = $"Content-Length {length} exceeds the {available.Length} bytes received";
            return false;
        }

        // Octets after Content-Length are discarded (RFC 3261 §18.3; RFC 4475 §3.1.1.8).
        body = available[..length].ToArray();
        return true;
    }

    private static int FindHeaderEnd(ReadOnlySpan<byte> input, out int separatorLength)
    {
        var crlf = input.IndexOf("\r\n\r\n"u8);
        var lf = input.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf <= lf))
        {
            separatorLength = 4;
            return crlf;
        }

        separatorLength = lf >= 0 ? 2 : 0;
        return lf;
    }

    /// <summary>
    /// Splits on CRLF (or bare LF) and joins continuation lines (RFC 3261 §7.3.1 folding) with one
    /// space. Linear in the header size: a header is built once in a StringBuilder however many
    /// continuation lines it has (joining with string concatenation copied the header again for
    /// every line: 60 KB of continuation lines cost 58 ms instead of 1 ms).
    /// </summary>
    private static List<string> UnfoldLines(string text)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        var haveCurrent = false;
        var start = 0;
        while (start <= text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(start, end - start).TrimEnd('\r');
            start = end + 1;
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && lines.Count > 0 && haveCurrent)
            {
                current.Append(' ').Append(line.Trim());
            }
            else if (line.Length > 0 || (lines.Count == 0 && !haveCurrent))
            {
                Flush(lines, current, ref haveCurrent);
                current.Append(line);
                haveCurrent = true;
            }

            if (newline < 0)
            {
                break;
            }
        }

        Flush(lines, current, ref haveCurrent);
        return lines;
    }

    private static void Flush(List<string> lines, StringBuilder current, ref bool haveCurrent)
    {
        if (haveCurrent)
        {
            lines.Add(current.ToString());
            current.Clear();
            haveCurrent = false;
        }
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> prefix)
    {
        foreach (var b in prefix)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n')
            {
                return false;
            }
        }

        return true;
    }

    internal static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
