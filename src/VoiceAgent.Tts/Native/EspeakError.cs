namespace VoiceAgent.Tts.Native;

/// <summary>espeak_ERROR.</summary>
internal enum EspeakError
{
    InternalError = -1,
    Ok = 0,
    BufferFull = 1,
    NotFound = 2,
}
