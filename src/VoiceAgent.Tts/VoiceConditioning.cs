namespace VoiceAgent.Tts;

/// <summary>
/// Engine-specific, immutable voice data resolved once per session and carried in <see cref="VoiceProfile.Conditioning"/>
/// instead of an engine field, so per-call voice state never lives in the shared engine. Only engines derive from it.
/// </summary>
public abstract class VoiceConditioning
{
    private protected VoiceConditioning(string engine, string voice, float speed)
    {
        Engine = engine;
        Voice = voice;
        Speed = speed;
    }

    /// <summary>The engine that resolved it.</summary>
    public string Engine { get; }

    /// <summary>The <see cref="VoiceProfile.Voice"/> it was resolved for.</summary>
    public string Voice { get; }

    /// <summary>The <see cref="VoiceProfile.Speed"/> it was resolved for.</summary>
    public float Speed { get; }

    /// <summary>True when this conditioning was resolved for exactly this profile's engine, voice and speed.</summary>
    public bool Matches(VoiceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return string.Equals(profile.Engine, Engine, StringComparison.Ordinal)
            && string.Equals(profile.Voice, Voice, StringComparison.Ordinal)
            && profile.Speed.Equals(Speed);
    }
}
