using System.Buffers;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>
/// One outgoing WebSocket text message, UTF-8 in a buffer rented from <see cref="ArrayPool{T}.Shared"/>:
/// whoever takes it off the queue (the send loop, or a drop) returns the buffer.
/// </summary>
/// <param name="IsMedia">A media frame: the one kind a stalled socket may lose (counted) without closing the stream.</param>
internal readonly record struct PooledMessage(byte[] Buffer, int Length, bool IsMedia)
{
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>A rented copy of an event that is not per frame (start, mark, dtmf, stop).</summary>
    public static PooledMessage FromText(string json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        return new PooledMessage(buffer, System.Text.Encoding.UTF8.GetBytes(json, buffer), IsMedia: false);
    }

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
