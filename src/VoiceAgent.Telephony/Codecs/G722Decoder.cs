using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>G.722 decoder (spandsp) at 64 kbit/s: 16 kHz PCM out. One per call.</summary>
public sealed class G722Decoder : IAudioDecoder, IDisposable
{
    private readonly G722DecoderHandle _handle;

    public G722Decoder()
    {
        try
        {
            _handle = new G722DecoderHandle(SpandspG722Native.DecodeInit(0, SpandspG722Native.Rate64000, 0));
        }
        catch (DllNotFoundException ex)
        {
            throw SpandspG722Native.Missing(ex);
        }

        if (_handle.IsInvalid)
        {
            throw new InvalidOperationException("g722_decode_init failed.");
        }
    }

    public unsafe int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        fixed (byte* input = payload)
        fixed (short* output = pcm)
        {
            return SpandspG722Native.Decode(_handle, output, input, payload.Length);
        }
    }

    /// <summary>G.722 has no concealment in spandsp: a lost frame is played as silence.</summary>
    public int Conceal(Span<short> pcm, int frameSamples)
    {
        pcm[..frameSamples].Clear();
        return frameSamples;
    }

    public void Dispose() => _handle.Dispose();
}
