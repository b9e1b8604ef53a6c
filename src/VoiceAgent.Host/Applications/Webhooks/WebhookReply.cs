using VoiceAgent.Host.Applications.Verbs;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>The application's answer to one event: verbs to run, or why it could not be reached.</summary>
internal sealed record WebhookReply(bool Delivered, IReadOnlyList<CallVerb> Verbs, IReadOnlyList<string> Errors, string? Failure)
{
    public static WebhookReply Failed(string reason) => new(false, [], [], reason);
}
