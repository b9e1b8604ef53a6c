namespace VoiceAgent.Tts.Native;

/// <summary>espeak_POSITION_TYPE.</summary>
internal enum EspeakPositionType
{
    Character = 1,
    Word = 2,
    Sentence = 3,
}
