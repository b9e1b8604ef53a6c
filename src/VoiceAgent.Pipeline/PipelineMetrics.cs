using System.Diagnostics.Metrics;

namespace VoiceAgent.Pipeline;

/// <summary>
/// The meter of the Pipeline project (System.Diagnostics.Metrics; no exporter below the Host). Each
/// type that counts something creates its own instruments on this meter, next to the code that
/// counts, e.g. <c>PipelineMetrics.Meter.CreateCounter&lt;long&gt;("voiceagent.….dropped")</c>.
/// Instrument names: <c>voiceagent.&lt;area&gt;.&lt;what&gt;</c>, units in UCUM (<c>{packet}</c>, <c>ms</c>).
/// </summary>
internal static class PipelineMetrics
{
    public const string MeterName = "VoiceAgent.Pipeline";

    public static readonly Meter Meter = new(MeterName);
}
