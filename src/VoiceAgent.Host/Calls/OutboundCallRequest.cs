using System.Text.Json.Serialization;

namespace VoiceAgent.Host.Calls;

/// <summary>The body of <c>POST /v1/calls</c>.</summary>
internal sealed record OutboundCallRequest(
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("trunk")] string? Trunk,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("voice")] string? Voice,
    [property: JsonPropertyName("ringTimeoutSeconds")] double? RingTimeoutSeconds,
    [property: JsonPropertyName("verbs")] System.Text.Json.JsonElement? Verbs = null,
    [property: JsonPropertyName("webhookUrl")] string? WebhookUrl = null,
    [property: JsonPropertyName("retries")] int? Retries = null,
    [property: JsonPropertyName("retryDelaySeconds")] double? RetryDelaySeconds = null);
