namespace VoiceAgent.Tts;

/// <summary>
/// The immutable voice of one speech session. Engines read it per request; they never keep it
/// in a field, so two sessions with different profiles can share one engine instance.
/// </summary>
/// <param name="Engine">Engine name, e.g. <c>espeak</c>.</param>
/// <param name="Voice">Engine-specific voice id, e.g. <c>en-us</c>.</param>
/// <param name="Speed">Speaking-rate multiplier, 1.0 = the engine's normal rate.</param>
public sealed record VoiceProfile(string Engine, string Voice, float Speed = 1.0f)
{
    /// <summary>
    /// Voice data an engine derived once for this profile (a Piper speaker, a Kokoro style table or blend), set by
    /// <see cref="Engines.IVoiceCatalog.Resolve"/> when the session starts. Null means "resolve per request": same
    /// output, more work per chunk. The object is immutable and only valid for the <see cref="Voice"/> and
    /// <see cref="Speed"/> it was resolved for; engines ignore it when either no longer matches (after a <c>with</c>).
    /// </summary>
    public VoiceConditioning? Conditioning { get; init; }

    /// <summary>
    /// Sampling seed for engines that sample (the autoregressive <c>arcodec</c> family); null = the voice's default.
    /// Each chunk's random stream is derived from it and the chunk index, so a session hears the same speech for the same
    /// text and seed however it is batched with others.
    /// </summary>
    public long? Seed { get; init; }
}
