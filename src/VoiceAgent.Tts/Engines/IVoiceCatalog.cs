namespace VoiceAgent.Tts.Engines;

/// <summary>The voices an engine can speak with, for <c>GET /v1/voices</c> and for resolving a session's voice once.</summary>
public interface IVoiceCatalog
{
    /// <summary>Every voice id the engine accepts in <see cref="VoiceProfile.Voice"/> (blends excepted).</summary>
    IReadOnlyList<VoiceInfo> Voices { get; }

    /// <summary>
    /// Validates <paramref name="voice"/> and returns a copy carrying the engine's derived voice data
    /// (<see cref="VoiceProfile.Conditioning"/>). Call once per session; the result is immutable and shareable.
    /// </summary>
    /// <exception cref="ArgumentException">The voice (or a speaker or blend part) is unknown, or the speed is invalid.</exception>
    VoiceProfile Resolve(VoiceProfile voice);
}
