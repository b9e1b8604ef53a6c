using System.Text.Json.Nodes;
using System.Threading.Channels;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Applications;

/// <summary>
/// Runs a call for a webhook application: reports the call's events to it and executes the verbs
/// it answers with, in order. Caller signals (keys, speech) are offered to the running verb first
/// (gather takes keys, a barge-in say stops) and otherwise become events.
/// </summary>
internal sealed partial class WebhookCallScript
{
    private readonly CallContext _call;
    private readonly WebhookClient _client;
    private readonly ApplicationSettings _settings;
    private readonly AudioFileLibrary _audio;
    private readonly VoiceDirectory _voices;
    private readonly ILogger _logger;
    private readonly CallEventFactory _events;
    private readonly VerbQueue _verbs = new();
    private readonly CallEventHub _hub;
    private readonly CallEventHubs _hubs;
    private Func<CallSignal, bool>? _signalListener;
    private WebhookEventSender? _sender;

    public WebhookCallScript(CallContext call, WebhookClient client, ApplicationSettings settings, AudioFileLibrary audio, VoiceDirectory voices, CallEventHubs hubs, TimeProvider time, ILogger logger)
    {
        _hubs = hubs;
        _hub = new CallEventHub(call, verbs => _verbs.Append(verbs), () => _verbs.Count);
        _call = call;
        _client = client;
        _settings = settings;
        _audio = audio;
        _voices = voices;
        _logger = logger;
        _events = new CallEventFactory(call.Record, time);
    }

    /// <summary>Inbound: asks the application about the call, answers it through <paramref name="answer"/>, then runs its verbs until the call ends.</summary>
    public async Task RunAsync(Uri application, Func<Task> answer, CancellationToken cancellationToken)
    {
        await using var sender = new WebhookEventSender(_client, application, OnReply, _logger);
        _sender = sender;
        using var hubRegistration = _hubs.Register(_call.Record.Id, _hub);
        var incoming = _events.Create("call.incoming");
        _hub.Publish(incoming);
        var first = await sender.SendAsync(incoming);
        await answer();
        if (!first.Delivered)
        {
            await FallBackAsync(first.Failure);
            return;
        }

        ReportErrors(first.Errors);
        _verbs.Append(first.Verbs);
        await RunVerbsAsync(sipCode: 200, cancellationToken);
    }

    /// <summary>
    /// Outbound, once answered: runs <paramref name="verbs"/>; with an application URL the call's
    /// events go there too and its replies add verbs (as for inbound calls).
    /// </summary>
    public async Task RunAnsweredOutboundAsync(Uri? application, IReadOnlyList<CallVerb> verbs, CancellationToken cancellationToken)
    {
        await using var sender = application is null ? null : new WebhookEventSender(_client, application, OnReply, _logger);
        _sender = sender;
        using var hubRegistration = _hubs.Register(_call.Record.Id, _hub);
        _verbs.Append(verbs);
        await RunVerbsAsync(sipCode: 200, cancellationToken);
    }

    private async Task RunVerbsAsync(int sipCode, CancellationToken cancellationToken)
    {
        Emit(_events.Create("call.answered"));
        var signals = DispatchSignalsAsync();
        try
        {
            while (true)
            {
                var verb = await _verbs.NextAsync(_call.Ended);
                ApplicationLog.VerbStarted(_logger, verb.Name);
                if (!await ExecuteAsync(verb, cancellationToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_call.Ended.IsCancellationRequested)
        {
            // The caller hung up.
        }
        finally
        {
            var reason = await _call.Call.Completion.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : default, TaskScheduler.Default);
            Emit(_events.Create("call.ended", ("outcome", "answered"), ("endReason", CallOutcomes.Name(reason)), ("sipCode", sipCode)));
            await signals;
        }
    }

    /// <summary>Runs one verb; false when the call is over (hangup).</summary>
    private async Task<bool> ExecuteAsync(CallVerb verb, CancellationToken cancellationToken)
    {
        switch (verb)
        {
            case SayVerb say:
                var said = await SayAsync(say);
                PostSayResult(said, ("text", say.Text));
                return true;
            case PlayVerb play:
                await PlayAsync(play);
                return true;
            case GatherVerb gather:
                await GatherAsync(gather);
                return true;
            case PauseVerb pause:
                await Task.Delay(pause.Duration, _call.Ended);
                return true;
            case HangupVerb:
                await _call.Call.HangupAsync(cancellationToken);
                return false;
            case SendDigitsVerb send:
                if (!_call.Stream.SendDigits(send.Digits))
                {
                    ReportError("sendDigits: the call negotiated no telephone-event, so keys cannot be sent");
                    return true;
                }

                while (_call.Stream.PendingDigits > 0)
                {
                    await Task.Delay(20, _call.Ended);
                }

                return true;
            case TransferVerb transfer:
                return !await TransferAsync(transfer, cancellationToken);
            case RedirectVerb when _sender is null:
                ReportError("redirect needs an application: this call has no webhookUrl");
                return true;
            case RedirectVerb redirect:
                _sender!.Url = redirect.Url;
                var reply = await _sender.SendAsync(_events.Create("call.redirect", ("url", redirect.Url.ToString())));
                if (!reply.Delivered)
                {
                    await FallBackAsync(reply.Failure);
                    return false;
                }

                ReportErrors(reply.Errors);
                _verbs.ReplaceWith(reply.Verbs);
                return true;
            default:
                ReportError($"verb '{verb.Name}' cannot run here");
                return true;
        }
    }

    private void PostSayResult(SayResult result, (string Key, JsonNode? Value) what)
    {
        var name = result.Outcome switch
        {
            SayOutcome.Completed => "say.done",
            SayOutcome.Interrupted => "say.interrupted",
            _ => null,
        };
        if (name is null)
        {
            ReportError($"speech failed ({what.Key}: {what.Value})");
            return;
        }

        if (!_call.Ended.IsCancellationRequested)
        {
            Emit(_events.Create(name, what, ("playedMs", result.PlayedMs)));
        }
    }

    /// <summary>Reads the caller's signals for the whole call: the running verb sees each first; the rest become events.</summary>
    private async Task DispatchSignalsAsync()
    {
        try
        {
            await foreach (var signal in _call.Signals.ReadAllAsync(_call.Ended))
            {
                var consumed = Volatile.Read(ref _signalListener)?.Invoke(signal) ?? false;
                switch (signal.Kind)
                {
                    case CallSignalKind.SpeechStarted:
                        Emit(_events.Create("speech.started"));
                        break;
                    case CallSignalKind.SpeechStopped:
                        Emit(_events.Create("speech.stopped"));
                        break;
                    case CallSignalKind.Digit when !consumed:
                        Emit(_events.Create("dtmf", ("digit", signal.Digit.ToString())));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (_call.Ended.IsCancellationRequested)
        {
        }
    }

    /// <summary>An event goes to the webhook application and to every WebSocket client of the call.</summary>
    private void Emit(JsonObject evt)
    {
        _sender?.Post(evt);
        _hub.Publish(evt);
    }

    private ListenerScope Listen(Func<CallSignal, bool> listener)
    {
        Volatile.Write(ref _signalListener, listener);
        return new ListenerScope(this, listener);
    }

    private void OnReply(string eventName, WebhookReply reply)
    {
        if (eventName == "call.error")
        {
            // Never answer an error report with another one: a broken application would loop.
            foreach (var error in reply.Errors)
            {
                ApplicationLog.CallError(_logger, error);
            }
        }
        else
        {
            ReportErrors(reply.Errors);
        }

        if (reply.Delivered)
        {
            _verbs.Append(reply.Verbs);
        }
        else if (_verbs.Count == 0 && !_call.Ended.IsCancellationRequested && eventName != "call.ended")
        {
            // Nothing left to run and the application cannot be reached: the call would wait forever.
            ApplicationLog.ApplicationUnreachable(_logger, reply.Failure ?? "?");
            _verbs.Append([new SayVerb(_settings.FallbackMessage, null, false), new HangupVerb()]);
        }
    }

    private async Task FallBackAsync(string? failure)
    {
        ApplicationLog.ApplicationUnreachable(_logger, failure ?? "?");
        await _call.Speaker.SayAsync(_settings.FallbackMessage, _call.Ended);
        await _call.Call.HangupAsync(CancellationToken.None);
    }

    private void ReportErrors(IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            ReportError(error);
        }
    }

    private void ReportError(string error)
    {
        ApplicationLog.CallError(_logger, error);
        if (!_call.Ended.IsCancellationRequested)
        {
            Emit(_events.Create("call.error", ("error", error)));
        }
    }

    private sealed class ListenerScope(WebhookCallScript owner, Func<CallSignal, bool> listener) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref owner._signalListener, null, listener);
    }
}
