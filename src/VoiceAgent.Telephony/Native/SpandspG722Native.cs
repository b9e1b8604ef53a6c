using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>G.722 from spandsp (Debian libspandsp2).</summary>
internal static partial class SpandspG722Native
{
    private const string Library = "libspandsp.so.2";

    /// <summary>G.722 at 64 kbit/s, the rate every SIP phone uses.</summary>
    public const int Rate64000 = 64000;

    [LibraryImport(Library, EntryPoint = "g722_encode_init")]
    public static partial nint EncodeInit(nint state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_encode")]
    public static unsafe partial int Encode(G722EncoderHandle state, byte* g722Data, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "g722_encode_free")]
    public static partial int EncodeFree(nint state);

    [LibraryImport(Library, EntryPoint = "g722_decode_init")]
    public static partial nint DecodeInit(nint state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_decode")]
    public static unsafe partial int Decode(G722DecoderHandle state, short* amp, byte* g722Data, int length);

    [LibraryImport(Library, EntryPoint = "g722_decode_free")]
    public static partial int DecodeFree(nint state);

    public static DllNotFoundException Missing(DllNotFoundException inner)
        => new($"The spandsp library ({Library}) is missing. Install it with: apt-get install libspandsp2", inner);
}
