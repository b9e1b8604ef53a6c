using VoiceAgent.Host.Configuration;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Host.Speech;

/// <summary>
/// The voices the loaded engine offers and the one place that turns a voice name into a session's
/// immutable <see cref="VoiceProfile"/>: neural engines resolve it once (speaker id, style vector or
/// blend computed here, copied into the profile) so no call's voice data lives in the engine.
/// </summary>
internal sealed class VoiceDirectory(ITtsEngine engine, TtsSettings settings)
{
    /// <summary>Tts:Voice, or the engine's default: en-us for espeak, the pack's first voice otherwise.</summary>
    public string DefaultVoice => settings.Voice.Length > 0 ? settings.Voice
        : engine is IVoiceCatalog catalog && catalog.Voices.Count > 0 ? catalog.Voices[0].Id
        : "en-us";

    public IReadOnlyList<VoiceInfo> Voices => engine is IVoiceCatalog catalog
        ? catalog.Voices
        : [new VoiceInfo(DefaultVoice, engine.Name, DefaultVoice, engine.SampleRate)];

    public string EngineName => engine.Name;

    /// <summary>The profile for <paramref name="voice"/> (null: the default voice) at <paramref name="speed"/> (null: Tts:Speed).</summary>
    /// <param name="seed">Sampling seed for engines that sample (arcodec); the deterministic ones ignore it. Null: the voice's default seed.</param>
    /// <exception cref="ArgumentException">The engine does not know the voice.</exception>
    public VoiceProfile Create(string? voice = null, float? speed = null, long? seed = null)
    {
        var profile = new VoiceProfile(engine.Name, voice ?? DefaultVoice, speed ?? settings.Speed) { Seed = seed };
        return engine is IVoiceCatalog catalog ? catalog.Resolve(profile) : profile;
    }

    public int SampleRateOf(string voice) => Voices.FirstOrDefault(v => v.Id == voice)?.SampleRate ?? engine.SampleRate;

    /// <summary>The espeak-ng language of a voice, for the text normalizer (numbers, abbreviations).</summary>
    public string LanguageOf(string voice)
        => Voices.FirstOrDefault(v => v.Id == voice)?.Language is { Length: > 0 } language ? language : settings.IsNeural ? "en-us" : voice;
}
