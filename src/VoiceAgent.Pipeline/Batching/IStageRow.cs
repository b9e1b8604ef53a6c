using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Pipeline.Batching;

/// <summary>A row of a shared stage: knows the utterance it belongs to.</summary>
internal interface IStageRow
{
    Utterance Utterance { get; }
}
