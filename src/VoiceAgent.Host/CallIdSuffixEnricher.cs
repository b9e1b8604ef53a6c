using Serilog.Core;
using Serilog.Events;

namespace VoiceAgent.Host;

/// <summary>
/// Renders the <c>CallId</c> scope property as " [call-id]" in the console template, and as nothing
/// outside calls, so every event of a call carries its id without cluttering other lines.
/// </summary>
internal sealed class CallIdSuffixEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var suffix = logEvent.Properties.TryGetValue("CallId", out var value) && value is ScalarValue { Value: string id }
            ? $" [{id}]"
            : string.Empty;
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("CallIdSuffix", suffix));
    }
}
