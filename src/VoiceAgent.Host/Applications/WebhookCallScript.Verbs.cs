using System.Diagnostics.Metrics;
using System.Threading.Channels;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Calls;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Applications;

/// <summary>The verbs that take time: transfer, say, play, gather (with their barge-in listeners).</summary>
internal sealed partial class WebhookCallScript
{
    private static readonly Counter<long> GatherDigitsDropped = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.gather.digits.dropped", "{digit}", "Keys a gather did not take because 64 were already waiting.");

    /// <summary>
    /// Blind transfer by REFER (RFC 3515): the caller's phone calls the target; when the target
    /// answers our leg is done and we hang up. Returns true when the call was handed over.
    /// </summary>
    private async Task<bool> TransferAsync(TransferVerb transfer, CancellationToken cancellationToken)
    {
        if (!transfer.To.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            ReportError($"transfer: '{transfer.To}' is not a sip: URI");
            return false;
        }

        var status = await _call.Call.TransferAsync(transfer.To, TimeSpan.FromSeconds(60), cancellationToken);
        Emit(_events.Create("transfer.done", ("to", transfer.To), ("sipCode", status)));
        _call.Record.AddEvent("transfer", DateTimeOffset.UtcNow, $"{transfer.To}: {status}");
        if (status is >= 200 and < 300)
        {
            await _call.Call.HangupAsync(cancellationToken);
            return true;
        }

        ReportError($"transfer to {transfer.To} failed with {status}; the call goes on");
        return false;
    }

    private async Task<SayResult> SayAsync(SayVerb say)
    {
        if (!TryVoice(say.Voice, out var voice))
        {
            return new SayResult(SayOutcome.Failed, 0);
        }

        using var listener = say.BargeIn ? Listen(BargeInListener) : null;
        return await _call.Speaker.SayAsync(say.Text, _call.Ended, voice);
    }

    private async Task PlayAsync(PlayVerb play)
    {
        if (!_audio.TryLoad(play.File, out var audio, out var error))
        {
            ReportError(error);
            return;
        }

        using var listener = play.BargeIn ? Listen(BargeInListener) : null;
        var played = await _call.Speaker.PlayPcmAsync(audio!.Samples, audio.SampleRate, _call.Ended);
        PostSayResult(played, ("file", play.File));
    }

    /// <summary>The profile of a verb's voice (null keeps the call's); an unknown voice is reported and the verb skipped.</summary>
    private bool TryVoice(string? name, out VoiceProfile? voice)
    {
        voice = null;
        if (name is null)
        {
            return true;
        }

        try
        {
            voice = _voices.Create(name);
            return true;
        }
        catch (ArgumentException ex)
        {
            ReportError($"voice '{name}': {ex.Message}");
            return false;
        }
    }

    /// <summary>A barge-in listener: caller speech or a key stops what is playing; the key still becomes a dtmf event.</summary>
    private bool BargeInListener(CallSignal signal)
    {
        if (signal.Kind is CallSignalKind.SpeechStarted or CallSignalKind.Digit)
        {
            _call.Speaker.Interrupt();
        }

        return false;
    }

    private async Task GatherAsync(GatherVerb gather)
    {
        // 64 keys, DropNewest (counted): a gather keeps the first keys pressed; no caller types 64 ahead of it.
        var digits = Channel.CreateBounded<char>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true }, _ => GatherDigitsDropped.Add(1));
        using var listener = Listen(signal =>
        {
            if (signal.Kind == CallSignalKind.Digit)
            {
                if (gather.Prompt?.BargeIn == true)
                {
                    _call.Speaker.Interrupt();
                }

                digits.Writer.TryWrite(signal.Digit);
                return true;
            }

            if (signal.Kind == CallSignalKind.SpeechStarted && gather.Prompt?.BargeIn == true)
            {
                _call.Speaker.Interrupt();
            }

            return false;
        });

        if (gather.Prompt is { } prompt)
        {
            if (TryVoice(prompt.Voice, out var voice))
            {
                await _call.Speaker.SayAsync(prompt.Text, _call.Ended, voice);
            }
        }

        var collected = new System.Text.StringBuilder();
        var reason = "timeout";
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_call.Ended);
            timeout.CancelAfter(gather.Timeout);
            char digit;
            try
            {
                digit = await digits.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!_call.Ended.IsCancellationRequested)
            {
                break;
            }

            if (digit == gather.FinishOnKey)
            {
                reason = "finishOnKey";
                break;
            }

            collected.Append(digit);
            if (collected.Length == gather.NumDigits)
            {
                reason = "numDigits";
                break;
            }
        }

        ApplicationLog.GatherDone(_logger, collected.ToString(), reason);
        Emit(_events.Create("gather.done", ("digits", collected.ToString()), ("reason", reason)));
    }
}
