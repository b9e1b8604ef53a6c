using System.Runtime.InteropServices;

namespace VoiceAgent.Tts.Native;

/// <summary>
/// espeak_EVENT as laid out on 64-bit Linux (40 bytes). Only <see cref="UserData"/> is read: espeak-ng copies the
/// user_data given to espeak_Synth into every event, including the list terminator, so the callback can find the
/// request it belongs to without any static state.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EspeakEvent
{
    public int Type;
    public uint UniqueIdentifier;
    public int TextPosition;
    public int Length;
    public int AudioPosition;
    public int Sample;
    public nint UserData;
    public long Id;
}
