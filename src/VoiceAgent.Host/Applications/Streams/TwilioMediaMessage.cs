using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// Writes Twilio's outbound <c>media</c> event for one frame of the caller's audio straight into a
/// caller-supplied buffer: 50 of these leave per call per second, so no JSON DOM, no base64 string,
/// no per-frame array. Every value is ASCII (digits, base64, the hex stream SID), so nothing needs escaping.
/// <code>{"event":"media","sequenceNumber":"7","media":{"track":"inbound","chunk":"5","timestamp":"100","payload":"…"},"streamSid":"MZ…"}</code>
/// </summary>
internal static class TwilioMediaMessage
{
    private static ReadOnlySpan<byte> Start => "{\"event\":\"media\",\"sequenceNumber\":\""u8;
    private static ReadOnlySpan<byte> Chunk => "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""u8;
    private static ReadOnlySpan<byte> Timestamp => "\",\"timestamp\":\""u8;
    private static ReadOnlySpan<byte> Payload => "\",\"payload\":\""u8;
    private static ReadOnlySpan<byte> Sid => "\"},\"streamSid\":\""u8;
    private static ReadOnlySpan<byte> End => "\"}"u8;

    /// <summary>The most bytes <see cref="Write"/> needs for <paramref name="payloadBytes"/> of μ-law.</summary>
    public static int MaxLength(int payloadBytes, string streamSid)
        => Start.Length + Chunk.Length + Timestamp.Length + Payload.Length + Sid.Length + End.Length
           + (3 * 20) + Base64.GetMaxEncodedToUtf8Length(payloadBytes) + Encoding.ASCII.GetByteCount(streamSid);

    /// <summary>One frame as a <c>media</c> event in a buffer rented from the shared pool.</summary>
    public static PooledMessage Rent(string streamSid, long sequenceNumber, long chunk, long timestampMs, ReadOnlySpan<byte> mulaw)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength(mulaw.Length, streamSid));
        return new PooledMessage(buffer, Write(buffer, streamSid, sequenceNumber, chunk, timestampMs, mulaw), IsMedia: true);
    }

    /// <returns>The bytes written to <paramref name="destination"/> (at least <see cref="MaxLength"/> long).</returns>
    public static int Write(Span<byte> destination, string streamSid, long sequenceNumber, long chunk, long timestampMs, ReadOnlySpan<byte> mulaw)
    {
        var at = Append(destination, 0, Start);
        at += Number(destination[at..], sequenceNumber);
        at = Append(destination, at, Chunk);
        at += Number(destination[at..], chunk);
        at = Append(destination, at, Timestamp);
        at += Number(destination[at..], timestampMs);
        at = Append(destination, at, Payload);
        Base64.EncodeToUtf8(mulaw, destination[at..], out _, out var encoded);
        at += encoded;
        at = Append(destination, at, Sid);
        at += Encoding.ASCII.GetBytes(streamSid, destination[at..]);
        return Append(destination, at, End);
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination[at..]);
        return at + text.Length;
    }

    private static int Number(Span<byte> destination, long value)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }
}
