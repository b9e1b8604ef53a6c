using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>The reference Opus codec, libopus (Debian libopus0).</summary>
internal static partial class OpusNative
{
    private const string Library = "libopus.so.0";

    /// <summary>OPUS_APPLICATION_VOIP: tuned for speech intelligibility.</summary>
    public const int ApplicationVoip = 2048;

    public const int SetBitrateRequest = 4002;
    public const int SetMaxBandwidthRequest = 4004;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int SetSignalRequest = 4024;
    public const int SignalVoice = 3001;

    /// <summary>OPUS_BANDWIDTH_* for the highest audio rate the receiver plays (RFC 7587 §6.1 maxplaybackrate).</summary>
    public static int BandwidthFor(int maxPlaybackRate) => maxPlaybackRate switch
    {
        <= 8000 => 1101,  // narrowband
        <= 12000 => 1102, // mediumband
        <= 16000 => 1103, // wideband
        <= 24000 => 1104, // super-wideband
        _ => 1105,        // fullband
    };

    [LibraryImport(Library, EntryPoint = "opus_encoder_create")]
    public static partial nint EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library, EntryPoint = "opus_encode")]
    public static unsafe partial int Encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    /// <summary>opus_encoder_ctl is variadic; every request we use takes one int, which the SysV x64 ABI passes like a fixed argument.</summary>
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_destroy")]
    public static partial void EncoderDestroy(nint encoder);

    [LibraryImport(Library, EntryPoint = "opus_decoder_create")]
    public static partial nint DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(Library, EntryPoint = "opus_decode")]
    public static unsafe partial int Decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library, EntryPoint = "opus_decoder_destroy")]
    public static partial void DecoderDestroy(nint decoder);

    [LibraryImport(Library, EntryPoint = "opus_strerror")]
    public static partial nint StrError(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(StrError(error)) ?? $"opus error {error}";

    public static DllNotFoundException Missing(DllNotFoundException inner)
        => new($"The Opus library ({Library}) is missing. Install it with: apt-get install libopus0", inner);
}
