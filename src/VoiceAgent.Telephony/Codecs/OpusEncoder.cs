using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Codecs;

/// <summary>
/// Opus (RFC 7587) through libopus: mono at 48 kHz, 20 ms frames, application VOIP and signal
/// VOICE. One instance per call: the encoder's state is the call's own.
/// </summary>
public sealed class OpusEncoder : IAudioEncoder, IDisposable
{
    private readonly OpusEncoderHandle _handle;

    public OpusEncoder(OpusEncoderSettings settings)
    {
        nint handle;
        int error;
        try
        {
            handle = OpusNative.EncoderCreate(SampleRate, 1, OpusNative.ApplicationVoip, out error);
        }
        catch (DllNotFoundException ex)
        {
            throw OpusNative.Missing(ex);
        }

        if (error != 0 || handle == 0)
        {
            throw new InvalidOperationException($"opus_encoder_create failed: {OpusNative.ErrorText(error)}");
        }

        _handle = new OpusEncoderHandle(handle);
        OpusNative.EncoderCtl(_handle, OpusNative.SetSignalRequest, OpusNative.SignalVoice);
        OpusNative.EncoderCtl(_handle, OpusNative.SetBitrateRequest, settings.Bitrate);
        OpusNative.EncoderCtl(_handle, OpusNative.SetComplexityRequest, settings.Complexity);
        OpusNative.EncoderCtl(_handle, OpusNative.SetMaxBandwidthRequest, OpusNative.BandwidthFor(settings.MaxPlaybackRate));
        OpusNative.EncoderCtl(_handle, OpusNative.SetInbandFecRequest, settings.InbandFec ? 1 : 0);
        OpusNative.EncoderCtl(_handle, OpusNative.SetPacketLossPercRequest, settings.InbandFec ? 10 : 0);
        OpusNative.EncoderCtl(_handle, OpusNative.SetDtxRequest, settings.Dtx ? 1 : 0);
    }

    public string Name => "opus";

    public int ClockRate => 48000;

    public int SampleRate => 48000;

    /// <summary>RFC 6716 §3.4: at most 1275 bytes per frame.</summary>
    public int MaxPayloadBytes => 1275;

    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        fixed (short* input = pcm)
        fixed (byte* output = payload)
        {
            var written = OpusNative.Encode(_handle, input, pcm.Length, output, payload.Length);
            if (written < 0)
            {
                throw new InvalidOperationException($"opus_encode failed: {OpusNative.ErrorText(written)}");
            }

            return written;
        }
    }

    public void Dispose() => _handle.Dispose();
}
