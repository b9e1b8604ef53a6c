namespace VoiceAgent.Telephony.Media.Vad;

/// <summary>Decides, frame by frame, whether the caller is speaking. One instance per call (it keeps state).</summary>
public interface IVoiceActivityDetector
{
    /// <summary>Feeds one frame of the caller's PCM; returns a transition when speech starts or stops, else null.</summary>
    VoiceActivityTransition? Process(ReadOnlySpan<short> frame, int sampleRate);
}
