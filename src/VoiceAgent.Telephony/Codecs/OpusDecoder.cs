using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>Opus decoder (libopus) for the caller's audio: mono 48 kHz; an empty payload conceals a lost packet (PLC).</summary>
public sealed class OpusDecoder : IAudioDecoder, IDisposable
{
    private readonly OpusDecoderHandle _handle;

    public OpusDecoder()
    {
        nint handle;
        int error;
        try
        {
            handle = OpusNative.DecoderCreate(48000, 1, out error);
        }
        catch (DllNotFoundException ex)
        {
            throw OpusNative.Missing(ex);
        }

        if (error != 0 || handle == 0)
        {
            throw new InvalidOperationException($"opus_decoder_create failed: {OpusNative.ErrorText(error)}");
        }

        _handle = new OpusDecoderHandle(handle);
    }

    /// <returns>Samples decoded, or 0 for a corrupt packet.</returns>
    public unsafe int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        fixed (byte* input = payload)
        fixed (short* output = pcm)
        {
            var samples = OpusNative.Decode(_handle, payload.IsEmpty ? null : input, payload.Length, output, pcm.Length, 0);
            return samples < 0 ? 0 : samples;
        }
    }

    /// <summary>libopus's own packet-loss concealment (opus_decode with no data).</summary>
    public unsafe int Conceal(Span<short> pcm, int frameSamples)
    {
        fixed (short* output = pcm)
        {
            var samples = OpusNative.Decode(_handle, null, 0, output, frameSamples, 0);
            return samples < 0 ? 0 : samples;
        }
    }

    public void Dispose() => _handle.Dispose();
}
