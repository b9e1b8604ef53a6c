using System.Buffers.Binary;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Applications;

/// <summary>
/// The WAV files the <c>play</c> verb may use: only files inside <c>Inbound:AudioDirectory</c>
/// (an application must not read arbitrary files of the host), 16-bit PCM, mono or stereo (mixed
/// down), any sample rate (the speaker resamples). Loaded files are kept for later calls.
/// </summary>
internal sealed class AudioFileLibrary(ApplicationSettings settings)
{
    private const int MaxFileBytes = 50 * 1024 * 1024;
    private readonly string _root = Path.GetFullPath(settings.AudioDirectory);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AudioFile> _cache = new(StringComparer.Ordinal);

    public bool TryLoad(string name, out AudioFile? audio, out string error)
    {
        audio = null;
        var path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            error = $"play: '{name}' is outside the audio directory";
            return false;
        }

        if (_cache.TryGetValue(path, out audio))
        {
            error = string.Empty;
            return true;
        }

        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"play: no file '{name}' in the audio directory {_root}";
                return false;
            }

            if (info.Length > MaxFileBytes)
            {
                error = $"play: '{name}' is larger than {MaxFileBytes / (1024 * 1024)} MB";
                return false;
            }

            audio = WavPcmReader.Read(File.ReadAllBytes(path));
            _cache[path] = audio;
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = $"play: cannot read '{name}': {ex.Message}";
            return false;
        }
    }
}

/// <summary>Mono 16-bit PCM and its rate.</summary>
internal sealed record AudioFile(short[] Samples, int SampleRate);

/// <summary>Reads RIFF/WAVE files with 16-bit PCM (format 1 or WAVE_FORMAT_EXTENSIBLE with PCM) into mono samples.</summary>
internal static class WavPcmReader
{
    public static AudioFile Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("not a RIFF/WAVE file");
        }

        int? channels = null, rate = null, bits = null;
        var offset = 12;
        while (offset + 8 <= data.Length)
        {
            var id = data.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(offset + 4, 4));
            var body = offset + 8;
            if (size < 0 || body + size > data.Length)
            {
                // Streams written without a final size leave 0 or too large a value in the data chunk.
                size = data.Length - body;
            }

            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body, 2));
                if (format != 1 && format != 0xFFFE)
                {
                    throw new InvalidDataException($"WAV format {format} is not PCM; convert it with: sox in.wav -b 16 out.wav");
                }

                channels = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 14, 2));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels is not (1 or 2) || bits != 16 || rate is not (>= 8000 and <= 192000))
                {
                    throw new InvalidDataException($"WAV must be 16-bit PCM, mono or stereo, 8-192 kHz; got {channels} channels, {bits} bits, {rate} Hz");
                }

                return new AudioFile(ToMono(data.Slice(body, size - (size % (2 * channels.Value))), channels.Value), rate.Value);
            }

            offset = body + size + (size & 1);
        }

        throw new InvalidDataException("the WAV file has no fmt or data chunk");
    }

    private static short[] ToMono(ReadOnlySpan<byte> pcm, int channels)
    {
        var frames = pcm.Length / (2 * channels);
        var samples = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(((i * channels) + c) * 2, 2));
            }

            samples[i] = (short)(sum / channels);
        }

        return samples;
    }
}
