namespace VoiceAgent.Tts.Native;

/// <summary>espeak_AUDIO_OUTPUT.</summary>
internal enum EspeakAudioOutput
{
    Playback = 0,
    Retrieval = 1,

    /// <summary>espeak_Synth runs on the calling thread and returns when the callback has received all audio.</summary>
    Synchronous = 2,
    SynchronousPlayback = 3,
}
