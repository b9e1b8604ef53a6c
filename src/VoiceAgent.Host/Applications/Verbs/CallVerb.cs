using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Applications.Verbs;

/// <summary>One instruction of a call application (the JSON verbs of the webhook contract).</summary>
internal abstract record CallVerb(string Name) : ICallVerb;

/// <summary><c>say</c>: speak text; with <see cref="BargeIn"/>, caller speech or a key stops it.</summary>
internal sealed record SayVerb(string Text, string? Voice, bool BargeIn) : CallVerb("say");

/// <summary><c>play</c>: play a WAV file from the audio directory.</summary>
internal sealed record PlayVerb(string File, bool BargeIn) : CallVerb("play");

/// <summary>
/// <c>gather</c>: collect DTMF digits until <see cref="NumDigits"/> are in, <see cref="FinishOnKey"/> is
/// pressed, or no key comes for <see cref="Timeout"/> (counted from the end of the prompt, then between keys).
/// </summary>
internal sealed record GatherVerb(int? NumDigits, char? FinishOnKey, TimeSpan Timeout, SayVerb? Prompt) : CallVerb("gather");

/// <summary><c>pause</c>: silence for a while.</summary>
internal sealed record PauseVerb(TimeSpan Duration) : CallVerb("pause");

/// <summary><c>hangup</c>: end the call.</summary>
internal sealed record HangupVerb() : CallVerb("hangup");

/// <summary><c>transfer</c>: hand the call to another party.</summary>
internal sealed record TransferVerb(string To) : CallVerb("transfer");

/// <summary><c>redirect</c>: fetch the verbs that replace the remaining ones from another URL, which then receives the call's events.</summary>
internal sealed record RedirectVerb(Uri Url) : CallVerb("redirect");

/// <summary><c>sendDigits</c>: press keys towards the other side (RFC 4733 events), e.g. to work an IVR on an outbound call.</summary>
internal sealed record SendDigitsVerb(string Digits) : CallVerb("sendDigits");
