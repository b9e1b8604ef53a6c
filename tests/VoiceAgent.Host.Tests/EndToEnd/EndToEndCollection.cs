namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// End-to-end tests share one collection: they run one after another, because espeak-ng is a
/// process-wide singleton and real-time audio timing suffers when two calls fight for 2 cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
