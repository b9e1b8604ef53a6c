using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>libsoxr (Debian libsoxr0), the SoX resampler: streaming sample-rate conversion.</summary>
internal static partial class SoxrNative
{
    private const string Library = "libsoxr.so.0";

    /// <summary>soxr_datatype_t SOXR_INT16_I: interleaved 16-bit integers.</summary>
    public const int Int16Interleaved = 3;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoSpec
    {
        public int InputType;
        public int OutputType;
        public double Scale;
        public nint Reserved;
        public nuint Flags;
    }

    [LibraryImport(Library, EntryPoint = "soxr_create")]
    public static unsafe partial nint Create(double inputRate, double outputRate, uint channels, out nint error, IoSpec* ioSpec, void* qualitySpec, void* runtimeSpec);

    [LibraryImport(Library, EntryPoint = "soxr_process")]
    public static unsafe partial nint Process(SoxrHandle resampler, short* input, nuint inputLength, out nuint inputDone, short* output, nuint outputLength, out nuint outputDone);

    [LibraryImport(Library, EntryPoint = "soxr_delete")]
    public static partial void Delete(nint resampler);

    public static string ErrorText(nint error) => Marshal.PtrToStringUTF8(error) ?? "unknown soxr error";

    public static DllNotFoundException Missing(DllNotFoundException inner)
        => new($"The SoX resampler library ({Library}) is missing. Install it with: apt-get install libsoxr0", inner);
}
