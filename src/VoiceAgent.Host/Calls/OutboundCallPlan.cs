using VoiceAgent.Tts;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// What a notification call does: whom to call, what to run once answered (verbs; plain text is a
/// say and a hangup), where its events go, and how often to try again when it is not answered.
/// </summary>
/// <param name="Trunk">The trunk the INVITE goes through (its proxy, credentials and domain), or null to send it straight to the target's host.</param>
/// <param name="Retries">Further attempts after busy, no-answer or failed (not after rejected or cancelled).</param>
internal sealed record OutboundCallPlan(
    string Target,
    string FromUser,
    VoiceAgent.Host.Configuration.TrunkSettings? Trunk,
    IReadOnlyList<ICallVerb> Verbs,
    VoiceProfile Voice,
    TimeSpan RingTimeout,
    Uri? WebhookUrl,
    int Retries,
    TimeSpan RetryDelay);
