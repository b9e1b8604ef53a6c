namespace VoiceAgent.Host.Calls;

/// <summary>The names under which utterance outcomes appear in records and the API (unchanged on the wire).</summary>
internal static class SayOutcomes
{
    public static string Name(SayOutcome outcome) => outcome switch
    {
        SayOutcome.Completed => "completed",
        SayOutcome.Interrupted => "interrupted",
        _ => "failed",
    };
}
