using System.Runtime.InteropServices;

namespace VoiceAgent.Tts.Native;

/// <summary>espeak_VOICE as a selector for espeak_SetVoiceByProperties (64-bit layout, 40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EspeakVoiceSelector
{
    public byte* Name;
    public byte* Languages;
    public byte* Identifier;
    public byte Gender;
    public byte Age;
    public byte Variant;
    public byte Reserved;
    public int Score;
    public nint Spare;
}
