using System.Buffers.Binary;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Speech.Synthesis;

/// <summary>
/// One output format of <c>POST /v1/audio/speech</c> and the <c>synth</c> command, writing to a
/// stream as audio arrives. <see cref="SampleRate"/> is the rate it needs (0: the voice's own rate).
/// </summary>
internal abstract class SpeechAudioFormat(Stream output) : IAsyncDisposable
{
    public static readonly string[] Names = ["wav", "pcm", "mulaw", "opus"];

    protected Stream Output { get; } = output;

    public abstract string ContentType { get; }

    public abstract int SampleRate { get; }

    /// <summary>Called once with the rate the audio will have, before the first samples.</summary>
    public virtual ValueTask StartAsync(int sampleRate, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public abstract ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken);

    public virtual ValueTask CompleteAsync(CancellationToken cancellationToken) => new(Output.FlushAsync(cancellationToken));

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static SpeechAudioFormat Create(string name, Stream output) => name switch
    {
        "wav" => new WavFormat(output),
        "pcm" => new PcmFormat(output),
        "mulaw" => new MuLawFormat(output),
        "opus" => new OggOpusFormat(output),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown format"),
    };

    protected async ValueTask WriteSamplesAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
    {
        var bytes = new byte[pcm.Length * 2];
        for (var i = 0; i < pcm.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), pcm.Span[i]);
        }

        await Output.WriteAsync(bytes, cancellationToken);
        await Output.FlushAsync(cancellationToken);
    }
}

/// <summary>RIFF/WAVE 16-bit mono. Streamed, the sizes are 0xFFFFFFFF (unknown, as streaming players expect); on a seekable stream they are patched at the end.</summary>
internal sealed class WavFormat(Stream output) : SpeechAudioFormat(output)
{
    private long _dataBytes;

    public override string ContentType => "audio/wav";

    public override int SampleRate => 0;

    public override async ValueTask StartAsync(int sampleRate, CancellationToken cancellationToken)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), uint.MaxValue);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), uint.MaxValue);
        await Output.WriteAsync(header, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
    {
        _dataBytes += pcm.Length * 2;
        return WriteSamplesAsync(pcm, cancellationToken);
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (Output.CanSeek)
        {
            var sizes = new byte[4];
            Output.Position = 4;
            BinaryPrimitives.WriteUInt32LittleEndian(sizes, (uint)(36 + _dataBytes));
            await Output.WriteAsync(sizes, cancellationToken);
            Output.Position = 40;
            BinaryPrimitives.WriteUInt32LittleEndian(sizes, (uint)_dataBytes);
            await Output.WriteAsync(sizes, cancellationToken);
            Output.Position = Output.Length;
        }

        await Output.FlushAsync(cancellationToken);
    }
}

/// <summary>Raw 16-bit little-endian mono at the voice's rate (given in the X-Sample-Rate header).</summary>
internal sealed class PcmFormat(Stream output) : SpeechAudioFormat(output)
{
    public override string ContentType => "audio/pcm";

    public override int SampleRate => 0;

    public override ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken) => WriteSamplesAsync(pcm, cancellationToken);
}

/// <summary>Raw G.711 μ-law at 8 kHz, what a phone line carries.</summary>
internal sealed class MuLawFormat(Stream output) : SpeechAudioFormat(output)
{
    public override string ContentType => "audio/basic";

    public override int SampleRate => 8000;

    public override async ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
    {
        var bytes = new byte[pcm.Length];
        G711MuLawCodec.Instance.Encode(pcm.Span, bytes);
        await Output.WriteAsync(bytes, cancellationToken);
        await Output.FlushAsync(cancellationToken);
    }
}

/// <summary>Opus in Ogg (RFC 7845) at 48 kHz, through libopus.</summary>
internal sealed class OggOpusFormat(Stream output) : SpeechAudioFormat(output)
{
    private readonly OggOpusWriter _writer = new(output);

    public override string ContentType => OggOpusWriter.ContentType;

    public override int SampleRate => 48000;

    public override ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken) => _writer.WriteAsync(pcm, cancellationToken);

    public override ValueTask CompleteAsync(CancellationToken cancellationToken) => _writer.CompleteAsync(cancellationToken);

    public override ValueTask DisposeAsync() => _writer.DisposeAsync();
}
