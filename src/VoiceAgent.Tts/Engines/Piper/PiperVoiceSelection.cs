namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>A session's resolved Piper voice: which model, which speaker, and the scales its speed gives. Immutable.</summary>
internal sealed class PiperVoiceSelection : VoiceConditioning
{
    private readonly float[] _scales;

    public PiperVoiceSelection(VoiceProfile profile, PiperVoiceModel voice, long speakerId)
        : base(PiperEngine.EngineName, profile.Voice, profile.Speed)
    {
        Model = voice;
        SpeakerId = speakerId;

        // scales = [noise_scale, length_scale, noise_w]; length_scale is a duration factor, so speed divides it.
        _scales = [voice.Config.NoiseScale, voice.Config.LengthScale / profile.Speed, voice.Config.NoiseW];
    }

    public PiperVoiceModel Model { get; }

    public long SpeakerId { get; }

    /// <summary>Never written after construction; ORT only reads it.</summary>
    public ReadOnlyMemory<float> Scales => _scales;
}
