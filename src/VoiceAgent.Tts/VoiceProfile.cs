namespace VoiceAgent.Tts;

/// <summary>
/// The immutable voice of one speech session. Engines read it per request; they never keep it
/// in a field, so two sessions with different profiles can share one engine instance.
/// </summary>
/// <param name="Engine">Engine name, e.g. <c>espeak</c>.</param>
/// <param name="Voice">Engine-specific voice id, e.g. <c>en-us</c>.</param>
/// <param name="Speed">Speaking-rate multiplier, 1.0 = the engine's normal rate.</param>
public sealed record VoiceProfile(string Engine, string Voice, float Speed = 1.0f);
