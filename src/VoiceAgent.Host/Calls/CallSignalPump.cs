using System.Diagnostics.Metrics;
using System.Threading.Channels;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Media.Vad;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Merges a call's DTMF digits and voice-activity transitions into one ordered stream of
/// <see cref="CallSignal"/>s for the call's script, and records the speech transitions on the call.
/// One pump per call; it ends with the call.
/// </summary>
internal sealed class CallSignalPump
{
    /// <summary>Far more keys and speech transitions than a script lets pile up unread; a script that never reads loses the oldest.</summary>
    public const int Capacity = 256;

    private static readonly Counter<long> Dropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.call.signals.dropped", "{signal}", "Digits and speech transitions a call's script did not read in time (its 256-signal queue was full; the oldest go).");

    // Capacity signals, DropOldest (counted): the digit and speech pumps never wait on a script that does not read. One reader, the script.
    private readonly Channel<CallSignal> _signals = Channel.CreateBounded<CallSignal>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }, _ => Dropped.Add(1));
    private readonly TimeProvider _time;

    private CallSignalPump(TimeProvider time) => _time = time;

    public ChannelReader<CallSignal> Signals => _signals.Reader;

    /// <param name="infoDigits">Keys the peer sends in SIP INFO instead of RTP (they join the same stream).</param>
    public static CallSignalPump Start(RtpStream stream, ChannelReader<DtmfDigit> infoDigits, CallRecord record, TimeProvider time, ILogger logger, CancellationToken callEnded)
    {
        var pump = new CallSignalPump(time);
        var digits = Task.WhenAll(pump.PumpDigitsAsync(stream.Digits, record, logger, callEnded), pump.PumpDigitsAsync(infoDigits, record, logger, callEnded));
        var speech = pump.PumpSpeechAsync(stream, record, logger, callEnded);
        _ = Task.WhenAll(digits, speech).ContinueWith(_ => pump._signals.Writer.TryComplete(), TaskScheduler.Default);
        return pump;
    }

    private async Task PumpDigitsAsync(ChannelReader<DtmfDigit> source, CallRecord record, ILogger logger, CancellationToken callEnded)
    {
        try
        {
            await foreach (var digit in source.ReadAllAsync(callEnded))
            {
                HostLog.DtmfReceived(logger, digit.Digit, digit.DurationMs);
                var at = _time.GetUtcNow();
                record.AddEvent("dtmf", at, digit.Digit.ToString());
                _signals.Writer.TryWrite(new CallSignal(CallSignalKind.Digit, digit.Digit, at));
            }
        }
        catch (OperationCanceledException) when (callEnded.IsCancellationRequested)
        {
        }
    }

    private async Task PumpSpeechAsync(RtpStream stream, CallRecord record, ILogger logger, CancellationToken callEnded)
    {
        try
        {
            await foreach (var activity in stream.VoiceActivity.ReadAllAsync(callEnded))
            {
                var started = activity.Transition == VoiceActivityTransition.SpeechStarted;
                var name = started ? "speech-started" : "speech-stopped";
                var at = _time.GetUtcNow();
                record.AddCallerSpeech(name, at);
                HostLog.CallerSpeech(logger, name);
                _signals.Writer.TryWrite(new CallSignal(started ? CallSignalKind.SpeechStarted : CallSignalKind.SpeechStopped, '\0', at));
            }
        }
        catch (OperationCanceledException) when (callEnded.IsCancellationRequested)
        {
        }
    }
}
