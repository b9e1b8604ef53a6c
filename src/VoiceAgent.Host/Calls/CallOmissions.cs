namespace VoiceAgent.Host.Calls;

/// <summary>
/// What a call's record counted instead of keeping, past its caps (<see cref="CallRecord.MaxEvents"/>
/// and the others): events by name (e.g. <c>{"dtmf": 1900}</c>), utterances, caller speech transitions.
/// Absent from a record that kept everything.
/// </summary>
internal sealed record CallOmissions(IReadOnlyDictionary<string, int> Events, int Utterances, int CallerSpeech);
