using System.Security.Cryptography;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Binds an incoming SIP call to media and speech: negotiates the codec, opens the RTP stream,
/// starts the greeting's synthesis before the 200 OK leaves (so audio is ready for the first
/// packet), answers, and runs the configured application or the embedded default's script until
/// the call ends. The media and speech belong to one <see cref="CallMedia"/>.
/// </summary>
internal sealed class InboundCallHandler(
    VoiceAgentSettings settings,
    CallMediaFactory media,
    VoiceDirectory voices,
    CallRegistry registry,
    LiveCalls live,
    ICallApplications applications,
    TimeProvider time,
    ILogger<InboundCallHandler> logger) : IIncomingCallHandler
{
    public async Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        var id = "c" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var record = new CallRecord(id, call.CallId, call.From, call.To, "inbound", time.GetUtcNow());
        registry.Add(record);
        using var registration = live.Register(id, call.HangupAsync);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = id, ["SipCallId"] = call.CallId });
        HostLog.IncomingCall(logger, call.From, call.To);
        try
        {
            await RunCallAsync(call, record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HostLog.CallFailed(logger, ex);
            await call.HangupAsync(CancellationToken.None);
        }
        finally
        {
            var outcome = call.Completion.IsCompletedSuccessfully ? CallOutcomes.From(call.Completion.Result) : CallOutcome.Shutdown;
            record.MarkEnded(CallOutcomes.Name(outcome), time.GetUtcNow());
            HostLog.CallEnded(logger, CallOutcomes.Name(outcome));
        }
    }

    private async Task RunCallAsync(IncomingCall call, CallRecord record, CancellationToken cancellationToken)
    {
        if (!SessionDescription.TryParse(call.RemoteSdp, out var offer, out var sdpError))
        {
            await RejectAsync(call, record, 488, $"Not Acceptable Here ({sdpError})", cancellationToken);
            return;
        }

        var negotiation = media.Negotiate(offer!);
        if (negotiation.Media is not { } negotiated)
        {
            await RejectAsync(call, record, 488, "Not Acceptable Here", cancellationToken, negotiation.FailureReason);
            return;
        }

        System.Net.Sockets.Socket socket;
        try
        {
            socket = media.AllocatePort();
        }
        catch (InvalidOperationException ex)
        {
            await RejectAsync(call, record, 503, "Service Unavailable", cancellationToken, ex.Message);
            return;
        }

        await using var callMedia = media.Open(socket, negotiated, CallMediaFactory.NewSessionId(), record);
        var answer = callMedia.Answer(offer!);
        var calledNumber = VoiceAgent.Telephony.Sip.Messages.SipUri.TryParse(call.RequestUri, out var requestUri) ? requestUri!.User : null;
        var context = callMedia.Attach(call, voices.Create(settings.Inbound.VoiceFor(calledNumber)));
        Task? acknowledged = null;
        Task AnswerAsync()
        {
            callMedia.StartReceiving();
            var answered = call.AnswerAsync(answer, cancellationToken);
            acknowledged = answered;
            // No media before the ACK (RFC 3261 §13.3.1.4) or the caller's own media: an INVITE never
            // acknowledged must not aim our RTP at the address its SDP names (media amplification).
            _ = answered.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result)
                    {
                        callMedia.ConfirmPeer();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            callMedia.MarkAnswered(call); // the peer sends RTP once it has our answer: the watchdog starts now
            return Task.CompletedTask;
        }

        if (!await applications.TryRunInboundAsync(context, calledNumber, AnswerAsync, cancellationToken))
        {
            // Synthesis of the greeting runs while the answer goes out; the clock starts sending with the ACK.
            var greeting = context.Speaker.SayAsync(settings.Inbound.Greeting, call.Ended);
            await AnswerAsync();
            await new DemoCallScript(settings.Inbound, context).RunAsync(greeting, cancellationToken);
        }

        if (acknowledged is not null)
        {
            await acknowledged;
        }
    }

    private async Task RejectAsync(IncomingCall call, CallRecord record, int status, string reason, CancellationToken cancellationToken, string? detail = null)
    {
        record.SetOutcome(CallOutcomes.Name(CallOutcome.Rejected), status);
        HostLog.CallRejected(logger, status, detail ?? reason);
        await call.RejectAsync(status, reason, cancellationToken);
    }
}
