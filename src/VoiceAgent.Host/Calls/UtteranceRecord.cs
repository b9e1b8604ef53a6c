using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Host.Calls;

/// <summary>One utterance of a call as the API reports it: text, outcome and latency timeline.</summary>
internal sealed class UtteranceRecord(Utterance utterance, DateTimeOffset acceptedAt, Action changed)
{
    private volatile string _outcome = "speaking";

    public Utterance Utterance { get; } = utterance;

    /// <summary>completed, interrupted, failed, or speaking while it runs.</summary>
    public void SetOutcome(string outcome)
    {
        _outcome = outcome;
        changed();
    }

    public UtteranceView ToView() => new(
        Utterance.Id,
        Utterance.Text,
        Utterance.Voice.Engine + "/" + Utterance.Voice.Voice,
        acceptedAt,
        _outcome,
        Utterance.Timeline.Snapshot());
}
