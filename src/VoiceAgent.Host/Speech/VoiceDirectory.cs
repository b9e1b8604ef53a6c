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
    /// <summary>The engine of the default pack (the only one unless Tts:Packs adds more).</summary>
    private ITtsEngine DefaultEngine => engine is TtsEnginePacks packs ? packs.PackOf(new VoiceProfile(settings.Engine, string.Empty)) : engine;

    /// <summary>Tts:Voice, or the default engine's default: en-us for espeak, the pack's first voice otherwise.</summary>
    public string DefaultVoice => settings.Voice.Length > 0 ? settings.Voice
        : DefaultEngine is IVoiceCatalog catalog && catalog.Voices.Count > 0 ? catalog.Voices[0].Id
        : "en-us";

    /// <summary>Every voice; those of extra packs are named <c>pack/voice</c>.</summary>
    public IReadOnlyList<VoiceInfo> Voices =>
    [
        .. DefaultEngine is IVoiceCatalog ? [] : new[] { new VoiceInfo(DefaultVoice, DefaultEngine.Name, DefaultVoice, DefaultEngine.SampleRate) },
        .. engine is IVoiceCatalog catalog ? catalog.Voices : [],
    ];

    public string EngineName => engine.Name;

    /// <summary>Names a request may give as its model: the default engine and every extra pack.</summary>
    public IReadOnlyCollection<string> ModelNames => engine is TtsEnginePacks packs ? packs.PackNames : [engine.Name];

    /// <summary>The profile for <paramref name="voice"/> (null: the default voice) at <paramref name="speed"/> (null: Tts:Speed).</summary>
    /// <param name="seed">Sampling seed for engines that sample (arcodec); the deterministic ones ignore it. Null: the voice's default seed.</param>
    /// <exception cref="ArgumentException">The engine does not know the voice.</exception>
    public VoiceProfile Create(string? voice = null, float? speed = null, long? seed = null)
    {
        var name = voice ?? DefaultVoice;
        var pack = settings.Engine;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && engine is TtsEnginePacks packs && packs.PackNames.Contains(name[..slash]))
        {
            // "pack/voice": a voice of one of the extra packs (Tts:Packs).
            pack = name[..slash];
            name = name[(slash + 1)..];
        }

        var profile = new VoiceProfile(pack, name, speed ?? settings.Speed) { Seed = seed };
        return engine is IVoiceCatalog catalog ? catalog.Resolve(profile) : profile;
    }

    public int SampleRateOf(string voice) => Voices.FirstOrDefault(v => v.Id == voice || v.Id.EndsWith("/" + voice, StringComparison.Ordinal))?.SampleRate ?? engine.SampleRate;

    /// <summary>The espeak-ng language of a voice, for the text normalizer (numbers, abbreviations).</summary>
    public string LanguageOf(string voice)
        => Voices.FirstOrDefault(v => v.Id == voice)?.Language is { Length: > 0 } language ? language : settings.IsNeural ? "en-us" : voice;
}
