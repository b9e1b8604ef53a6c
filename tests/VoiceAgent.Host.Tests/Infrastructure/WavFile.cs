using System.Buffers.Binary;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>Minimal RIFF/WAVE PCM16 mono reader and writer for test audio.</summary>
internal sealed record WavFile(int SampleRate, short[] Samples)
{
    public double DurationSeconds => (double)Samples.Length / SampleRate;

    public static WavFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || BinaryPrimitives.ReadUInt32BigEndian(bytes) != 0x52494646 /* RIFF */)
        {
            throw new InvalidDataException($"{path} is not a RIFF file.");
        }

        int sampleRate = 0, channels = 1, bits = 16, offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            var body = offset + 8;
            if (id == "fmt ")
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 2));
                sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(body + 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 14));
            }
            else if (id == "data")
            {
                if (bits != 16)
                {
                    throw new InvalidDataException($"{path}: only 16-bit PCM is supported, got {bits}.");
                }

                // Streaming writers (baresip) may leave the size at 0 or too large: take what is there.
                var available = Math.Min(size <= 0 ? int.MaxValue : size, bytes.Length - body);
                var frames = available / (2 * channels);
                var samples = new short[frames];
                for (var i = 0; i < frames; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(body + i * 2 * channels));
                }

                return new WavFile(sampleRate, samples);
            }

            offset = body + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }

    /// <summary>Writes 16-bit PCM; with <paramref name="channels"/> above 1 every sample is repeated on each channel.</summary>
    public void Write(string path, int channels = 1)
    {
        var data = Samples.Length * 2 * channels;
        var bytes = new byte[44 + data];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(36 + data));
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), (uint)(SampleRate * 2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), (ushort)(2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), (uint)data);
        for (var i = 0; i < Samples.Length * channels; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + i * 2), Samples[i / channels]);
        }

        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Silence of the given length: the caller's microphone in a test call.</summary>
    public static WavFile Silence(int sampleRate, TimeSpan duration) => new(sampleRate, new short[(int)(sampleRate * duration.TotalSeconds)]);
}
