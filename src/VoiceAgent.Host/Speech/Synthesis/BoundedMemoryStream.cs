namespace VoiceAgent.Host.Speech.Synthesis;

/// <summary>
/// The buffer of a non-streamed speech response (seekable, so the WAV header is patched at the end),
/// refusing to grow past Api:MaxSpeechBytes: a long text at a slow speed cannot hold the host's memory.
/// </summary>
internal sealed class BoundedMemoryStream(int limit) : MemoryStream
{
    public int Limit { get; } = limit;

    public override void Write(byte[] buffer, int offset, int count)
    {
        Check(count);
        base.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Check(buffer.Length);
        base.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Check(count);
        return base.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check(buffer.Length);
        return base.WriteAsync(buffer, cancellationToken);
    }

    public override void WriteByte(byte value)
    {
        Check(1);
        base.WriteByte(value);
    }

    private void Check(int count)
    {
        if (Position + count > Limit)
        {
            throw new SpeechOutputTooLargeException(Limit);
        }
    }
}

/// <summary>A non-streamed speech response would exceed Api:MaxSpeechBytes.</summary>
internal sealed class SpeechOutputTooLargeException(int limit)
    : IOException($"the audio exceeds {limit} bytes (Api:MaxSpeechBytes); ask for it with \"stream\": true");
