using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>
/// Builds the event objects of the webhook contract: <c>event</c>, <c>eventId</c>, <c>callId</c>,
/// <c>from</c>, <c>to</c>, <c>timestamp</c> (ISO 8601 UTC), then the event's own fields.
/// </summary>
internal sealed class CallEventFactory(CallRecord call, TimeProvider time)
{
    public JsonObject Create(string name, params (string Key, JsonNode? Value)[] fields)
    {
        var evt = new JsonObject
        {
            ["event"] = name,
            ["eventId"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            ["callId"] = call.Id,
            ["from"] = call.From,
            ["to"] = call.To,
            ["timestamp"] = time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in fields)
        {
            evt[key] = value;
        }

        // The record keeps the application's view of the call; keys and speech it already has.
        if (name != "dtmf" && !name.StartsWith("speech.", StringComparison.Ordinal))
        {
            call.AddEvent(name, time.GetUtcNow(), fields.Length == 0 ? null : new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))).ToJsonString());
        }

        return evt;
    }
}
