using System.Diagnostics.Metrics;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// What an <see cref="RtpStream"/>'s bounded DropOldest queues lose when nobody reads them in time:
/// each queue keeps the newest items and counts the ones it drops here.
/// </summary>
internal static class RtpStreamDrops
{
    public static readonly Counter<long> VoiceActivity = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.voice_activity.dropped", "{event}", "Caller speech transitions dropped because the call's 64-event queue was full (the oldest go).");

    public static readonly Counter<long> Digits = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.digits.dropped", "{digit}", "RFC 4733 digits dropped because the call's 32-digit queue was full (the oldest go).");

    public static readonly Counter<long> CallerAudio = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.caller_audio.dropped", "{frame}", "Caller audio frames a slow subscriber (an application's socket, a recognizer) lost; its queue keeps the newest.");
}
