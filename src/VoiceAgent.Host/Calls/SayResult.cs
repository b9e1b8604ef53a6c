namespace VoiceAgent.Host.Calls;

/// <summary>How an utterance or playback ended and how much of it the caller heard.</summary>
/// <param name="PlayedMs">Audio sent to the caller, in milliseconds.</param>
internal readonly record struct SayResult(SayOutcome Outcome, int PlayedMs);
