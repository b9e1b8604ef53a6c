using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>JSON shape of a call in <c>GET /v1/calls</c> and <c>GET /v1/calls/{id}</c>.</summary>
internal sealed record CallView(
    string Id,
    string SipCallId,
    string From,
    string To,
    string Direction,
    string State,
    string? Codec,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    string? Outcome,
    int? SipCode,
    IReadOnlyList<UtteranceView> Utterances,
    IReadOnlyList<CallerSpeechView> CallerSpeech,
    IReadOnlyList<CallEventView> Events,
    RtpStreamStatistics? Media,
    CallOmissions? Omitted = null);
