using System.Runtime.InteropServices;

namespace VoiceAgent.Tts.Native;

/// <summary>
/// P/Invoke declarations for libespeak-ng (speak_lib.h of espeak-ng 1.51, Debian package libespeak-ng1).
/// Only <see cref="EspeakLibrary"/> calls these: the library is a process-wide singleton and not thread-safe.
/// </summary>
internal static unsafe partial class EspeakNative
{
    internal const string LibraryName = "libespeak-ng.so.1";

    internal const string DebianPackage = "libespeak-ng1";

    /// <summary>espeakINITIALIZE_DONT_EXIT: without it espeak-ng calls exit(1) when its data is missing.</summary>
    internal const int InitializeDontExit = 0x8000;

    /// <summary>espeakCHARS_UTF8.</summary>
    internal const int CharsUtf8 = 1;

    /// <summary>espeakENDPAUSE: keep the pause after the final clause, so chunk boundaries sound like the full text would.</summary>
    internal const uint EndPause = 0x1000;

    /// <summary>espeak_TextToPhonemes phonememode bit 1: IPA output (UTF-8) instead of Kirshenbaum ASCII.</summary>
    internal const int PhonemesIpa = 0x02;

    [LibraryImport(LibraryName, EntryPoint = "espeak_Initialize")]
    internal static partial int Initialize(EspeakAudioOutput output, int bufferLengthMs, byte* path, int options);

    [LibraryImport(LibraryName, EntryPoint = "espeak_SetSynthCallback")]
    internal static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, EspeakEvent*, int> callback);

    [LibraryImport(LibraryName, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial EspeakError SetVoiceByName(string name);

    /// <summary>Selects the best voice for a language such as en-gb, which has no voice file of that name.</summary>
    [LibraryImport(LibraryName, EntryPoint = "espeak_SetVoiceByProperties")]
    internal static partial EspeakError SetVoiceByProperties(EspeakVoiceSelector* selector);

    [LibraryImport(LibraryName, EntryPoint = "espeak_SetParameter")]
    internal static partial EspeakError SetParameter(EspeakParameter parameter, int value, int relative);

    [LibraryImport(LibraryName, EntryPoint = "espeak_Synth")]
    internal static partial EspeakError Synth(
        byte* text,
        nuint size,
        uint position,
        EspeakPositionType positionType,
        uint endPosition,
        uint flags,
        uint* uniqueIdentifier,
        nint userData);

    /// <summary>
    /// Translates one clause per call and advances <paramref name="textPointer"/> (null at the end of the text).
    /// Returns a pointer into a static buffer inside the library, valid until the next call.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "espeak_TextToPhonemes")]
    internal static partial byte* TextToPhonemes(byte** textPointer, int textMode, int phonemeMode);

    [LibraryImport(LibraryName, EntryPoint = "espeak_Terminate")]
    internal static partial EspeakError Terminate();

    /// <summary>
    /// Loads <paramref name="libraryName"/> or throws a <see cref="DllNotFoundException"/> that names the Debian
    /// package to install. Separate from the declarations so tests can drive the same error path with a bogus name.
    /// </summary>
    internal static nint LoadOrThrow(string libraryName)
    {
        if (NativeLibrary.TryLoad(libraryName, out var handle))
        {
            return handle;
        }

        throw MissingLibrary(libraryName, inner: null);
    }

    internal static DllNotFoundException MissingLibrary(string libraryName, Exception? inner) =>
        new($"The espeak-ng native library '{libraryName}' could not be loaded. " +
            $"Install it with: apt-get install {DebianPackage}", inner);
}
