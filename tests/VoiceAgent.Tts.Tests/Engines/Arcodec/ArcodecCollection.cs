namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

/// <summary>
/// The arcodec tests run alone, after the parallel ones: generation keeps both cores busy (16 sessions at once), and
/// under that load the espeak-ng cancellation test cancels at a different point and then hears different speech
/// (seen 2 runs in 3; an espeak-ng global-state issue outside this engine, see the report).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ArcodecCollection
{
    public const string Name = "arcodec";
}
