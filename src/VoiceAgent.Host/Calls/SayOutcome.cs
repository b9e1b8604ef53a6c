namespace VoiceAgent.Host.Calls;

/// <summary>How one utterance or file playback ended; <see cref="SayOutcomes.Name"/> gives its name in records and events.</summary>
internal enum SayOutcome
{
    Completed,
    Interrupted,
    Failed,
}
