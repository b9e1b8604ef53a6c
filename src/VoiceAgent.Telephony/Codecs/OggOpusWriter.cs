using System.Buffers.Binary;
using System.Text;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// Writes mono 48 kHz PCM as an Ogg Opus stream (RFC 7845): an <c>OpusHead</c> page, an
/// <c>OpusTags</c> page, then one 20 ms Opus packet per page, so each packet can be flushed to a
/// streaming HTTP response as soon as it is encoded. Granule positions count 48 kHz samples
/// including the pre-skip (§4); the last page carries end-of-stream and trims the padding.
/// </summary>
public sealed class OggOpusWriter : IAsyncDisposable
{
    private const int FrameSamples = 960;

    /// <summary>libopus's look-ahead at 48 kHz (2.5 ms + 4 ms delay compensation), what decoders skip (RFC 7845 §4.2).</summary>
    private const int PreSkip = 312;

    private readonly Stream _output;
    private readonly OpusEncoder _encoder;
    private readonly short[] _frame = new short[FrameSamples];
    private readonly byte[] _packet = new byte[1275];
    private readonly int _serial = Random.Shared.Next();
    private int _frameFill;
    private int _pageSequence;
    private long _samplesIn;
    private long _granule = PreSkip;
    private bool _started;
    private byte[]? _pending;

    public OggOpusWriter(Stream output, int bitrate = 32000)
    {
        _output = output;
        _encoder = new OpusEncoder(new OpusEncoderSettings { Bitrate = bitrate, Complexity = 5 });
    }

    public const string ContentType = "audio/ogg";

    /// <summary>Encodes <paramref name="pcm"/> (48 kHz mono) and writes every completed packet.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
    {
        await EnsureHeadersAsync(cancellationToken);
        var offset = 0;
        while (offset < pcm.Length)
        {
            var count = Math.Min(FrameSamples - _frameFill, pcm.Length - offset);
            pcm.Span.Slice(offset, count).CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += count;
            offset += count;
            _samplesIn += count;
            if (_frameFill == FrameSamples)
            {
                await EncodeFrameAsync(cancellationToken);
            }
        }

        await _output.FlushAsync(cancellationToken);
    }

    /// <summary>Pads the last frame with silence, marks end of stream, and flushes.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await EnsureHeadersAsync(cancellationToken);
        if (_frameFill > 0)
        {
            _frame.AsSpan(_frameFill).Clear();
            await EncodeFrameAsync(cancellationToken);
        }

        if (_pending is not null)
        {
            // The end granule is the real sample count (plus pre-skip), which trims the padded tail (§4.5).
            await WritePageAsync(_pending, PreSkip + _samplesIn, endOfStream: true, cancellationToken);
            _pending = null;
        }

        await _output.FlushAsync(cancellationToken);
    }

    private async ValueTask EncodeFrameAsync(CancellationToken cancellationToken)
    {
        var length = _encoder.Encode(_frame, _packet);
        _frameFill = 0;

        // One packet is held back so the final one can be written with the end-of-stream flag.
        if (_pending is not null)
        {
            await WritePageAsync(_pending, _granule, endOfStream: false, cancellationToken);
        }

        _granule += FrameSamples;
        _pending = _packet.AsSpan(0, length).ToArray();
    }

    private async ValueTask EnsureHeadersAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = 1; // channels
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), PreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 48000);
        // Output gain 0 and channel mapping family 0 (mono/stereo) are the zeros left in place.
        await WritePageAsync(head, 0, endOfStream: false, cancellationToken, beginOfStream: true);

        var vendor = Encoding.ASCII.GetBytes("VoiceAgent libopus");
        var tags = new byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(8), (uint)vendor.Length);
        vendor.CopyTo(tags, 12);
        await WritePageAsync(tags, 0, endOfStream: false, cancellationToken);
    }

    private async ValueTask WritePageAsync(byte[] packet, long granule, bool endOfStream, CancellationToken cancellationToken, bool beginOfStream = false)
    {
        // Lacing (RFC 3533 §6): 255-byte segments, then a final one under 255 (0 when the size is a multiple).
        var segments = (packet.Length / 255) + 1;
        var page = new byte[27 + segments + packet.Length];
        "OggS"u8.CopyTo(page);
        page[5] = (byte)((beginOfStream ? 0x02 : 0) | (endOfStream ? 0x04 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(14), _serial);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(18), _pageSequence++);
        page[26] = (byte)segments;
        for (var i = 0; i < segments; i++)
        {
            page[27 + i] = (byte)(i < segments - 1 ? 255 : packet.Length % 255);
        }

        packet.CopyTo(page, 27 + segments);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page));
        await _output.WriteAsync(page, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _encoder.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value and final XOR 0, over the page with its CRC field zero.</summary>
    private static class OggCrc
    {
        private static readonly uint[] Table = BuildTable();

        public static uint Compute(ReadOnlySpan<byte> page)
        {
            var crc = 0u;
            foreach (var b in page)
            {
                crc = (crc << 8) ^ Table[(byte)(crc >> 24) ^ b];
            }

            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (var i = 0u; i < 256; i++)
            {
                var r = i << 24;
                for (var bit = 0; bit < 8; bit++)
                {
                    r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
                }

                table[i] = r;
            }

            return table;
        }
    }
}
