using System.Diagnostics.Metrics;

namespace VoiceAgent.Telephony;

/// <summary>
/// The meter of the Telephony project (System.Diagnostics.Metrics; no exporter below the Host). Each
/// type that counts something creates its own instruments on this meter, next to the code that
/// counts, e.g. <c>TelephonyMetrics.Meter.CreateCounter&lt;long&gt;("voiceagent.….dropped")</c>.
/// Instrument names: <c>voiceagent.&lt;area&gt;.&lt;what&gt;</c>, units in UCUM (<c>{packet}</c>, <c>ms</c>).
/// </summary>
internal static class TelephonyMetrics
{
    public const string MeterName = "VoiceAgent.Telephony";

    public static readonly Meter Meter = new(MeterName);
}
