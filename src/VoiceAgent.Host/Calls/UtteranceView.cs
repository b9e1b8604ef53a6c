using VoiceAgent.Pipeline.Timeline;

namespace VoiceAgent.Host.Calls;

/// <summary>JSON shape of an utterance: the timeline is in milliseconds after the text was accepted.</summary>
internal sealed record UtteranceView(string Id, string Text, string Voice, DateTimeOffset AcceptedAt, string Outcome, TimelineSnapshot Timeline);
