using System.Buffers.Binary;
using VoiceAgent.Host.Applications;

namespace VoiceAgent.Host.Tests.Applications;

public sealed class WavPcmReaderTests
{
    private static byte[] Wav(int channels, int rate, short[] interleaved, ushort format = 1, ushort bits = 16)
    {
        var data = new byte[44 + (interleaved.Length * 2)];
        "RIFF"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), data.Length - 8);
        "WAVEfmt "u8.CopyTo(data.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(20), format);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(28), rate * channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(32), (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(34), bits);
        "data"u8.CopyTo(data.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(40), interleaved.Length * 2);
        for (var i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(44 + (i * 2)), interleaved[i]);
        }

        return data;
    }

    [Fact]
    public void Stereo_is_mixed_down_and_the_rate_kept()
    {
        var audio = WavPcmReader.Read(Wav(2, 44100, [100, 300, -200, -400]));

        Assert.Equal(44100, audio.SampleRate);
        Assert.Equal([200, -300], audio.Samples);
    }

    [Fact]
    public void Non_pcm_and_non_wav_files_are_rejected_with_a_reason()
    {
        Assert.Contains("not PCM", Assert.Throws<InvalidDataException>(() => WavPcmReader.Read(Wav(1, 8000, [1], format: 3))).Message, StringComparison.Ordinal);
        Assert.Contains("16-bit", Assert.Throws<InvalidDataException>(() => WavPcmReader.Read(Wav(1, 8000, [1], bits: 8))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => WavPcmReader.Read("not a wav file at all"u8));
    }
}
