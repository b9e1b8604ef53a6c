namespace VoiceAgent.Tts.Native;

/// <summary>espeak_PARAMETER (only the ones we set).</summary>
internal enum EspeakParameter
{
    /// <summary>Speaking rate in words per minute, 80..450; 175 is normal.</summary>
    Rate = 1,
    Volume = 2,
    Pitch = 3,
    Range = 4,
    Punctuation = 5,
    Capitals = 6,
    WordGap = 7,
}
