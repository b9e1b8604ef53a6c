using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>G.722 at 64 kbit/s through spandsp: 16 kHz PCM in, one byte per two samples out; RTP clock 8000 (RFC 3551 §4.5.2). One per call.</summary>
public sealed class G722Encoder : IAudioEncoder, IDisposable
{
    private readonly G722EncoderHandle _handle;

    public G722Encoder()
    {
        try
        {
            _handle = new G722EncoderHandle(SpandspG722Native.EncodeInit(0, SpandspG722Native.Rate64000, 0));
        }
        catch (DllNotFoundException ex)
        {
            throw SpandspG722Native.Missing(ex);
        }

        if (_handle.IsInvalid)
        {
            throw new InvalidOperationException("g722_encode_init failed.");
        }
    }

    public string Name => "G722";

    public int ClockRate => 8000;

    public int SampleRate => 16000;

    public int MaxPayloadBytes => 160;

    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        fixed (short* input = pcm)
        fixed (byte* output = payload)
        {
            return SpandspG722Native.Encode(_handle, output, input, pcm.Length);
        }
    }

    public void Dispose() => _handle.Dispose();
}
