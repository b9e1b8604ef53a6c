using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Sip;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Notification calls: places the INVITE (our SDP offer from the configured codecs); once the
/// callee answers runs the plan's verbs (the webhook contract; an optional application gets the
/// events and adds verbs) and hangs up when they run out. Unanswered attempts (busy, no-answer,
/// failed) are retried after a delay as the plan says. The outcome and SIP code go into the record.
/// </summary>
internal sealed class OutboundCallService(
    VoiceAgentSettings settings,
    SipService sip,
    CallMediaFactory media,
    CallRegistry registry,
    LiveCalls live,
    ICallApplications applications,
    TimeProvider time,
    ILogger<OutboundCallService> logger)
{
    private int _active;

    /// <summary>Starts a call; returns its record at once (the attempts run in the background).</summary>
    /// <exception cref="OutboundCallRefusedException">The campaign limit is reached or SIP is not up.</exception>
    /// <exception cref="ArgumentException">The target cannot be called.</exception>
    public CallRecord Start(OutboundCallPlan plan)
    {
        var agent = sip.Agent ?? throw new OutboundCallRefusedException("SIP is not running yet.");
        if (Interlocked.Increment(ref _active) > settings.Outbound.MaxConcurrentCalls)
        {
            Interlocked.Decrement(ref _active);
            throw new OutboundCallRefusedException($"{settings.Outbound.MaxConcurrentCalls} outbound calls are already up (Outbound:MaxConcurrentCalls).");
        }

        try
        {
            var first = Place(agent, plan);
            var id = "c" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
            var record = new CallRecord(id, first.Call.CallId, first.Call.From, first.Call.To, "outbound", time.GetUtcNow());
            registry.Add(record);
            _ = RunAsync(agent, plan, record, first);
            return record;
        }
        catch
        {
            Interlocked.Decrement(ref _active);
            throw;
        }
    }

    /// <summary>One attempt: an RTP port and the INVITE with our offer.</summary>
    private Attempt Place(SipUserAgent agent, OutboundCallPlan plan)
    {
        System.Net.Sockets.Socket socket;
        try
        {
            socket = media.AllocatePort();
        }
        catch (InvalidOperationException ex)
        {
            throw new OutboundCallRefusedException(ex.Message);
        }

        try
        {
            var sessionId = CallMediaFactory.NewSessionId();
            var offer = media.Offer(socket, sessionId);
            var call = agent.PlaceCall(new OutgoingCallRequest(plan.Target, plan.FromUser, offer, plan.RingTimeout, plan.Trunk?.Proxy, plan.Trunk?.Credentials, plan.Trunk?.Domain));
            return new Attempt(call, socket, sessionId);
        }
        catch
        {
            media.ReleasePort(socket);
            throw;
        }
    }

    private async Task RunAsync(SipUserAgent agent, OutboundCallPlan plan, CallRecord record, Attempt first)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = record.Id });
        var cancelled = new CancellationTokenSource();
        var current = new StrongBox<Attempt>(first);
        using var registration = live.Register(record.Id, async ct =>
        {
            await cancelled.CancelAsync();
            await Volatile.Read(ref current.Value!).Call.HangupAsync(ct);
        });
        var reason = CallOutcome.NotAnswered;
        try
        {
            for (var number = 1; ; number++)
            {
                var attempt = Volatile.Read(ref current.Value!);
                var (answered, endReason) = await RunAttemptAsync(plan, record, attempt, number);
                reason = endReason;
                var outcome = attempt.Call.Outcome;
                if (answered || number > plan.Retries || cancelled.IsCancellationRequested || outcome is "rejected" or "cancelled")
                {
                    break;
                }

                record.AddEvent("retry", time.GetUtcNow(), $"attempt {number + 1} in {plan.RetryDelay.TotalSeconds:F0} s after {outcome}");
                await Task.Delay(plan.RetryDelay, time, cancelled.Token);
                Volatile.Write(ref current.Value, Place(agent, plan));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or OutboundCallRefusedException or ArgumentException)
        {
            // Cancelled through the API while waiting to retry, or no port for the retry.
            reason = CallOutcome.Cancelled;
        }
        catch (Exception ex)
        {
            HostLog.CallFailed(logger, ex);
        }
        finally
        {
            record.MarkEnded(CallOutcomes.Name(reason), time.GetUtcNow());
            HostLog.CallEnded(logger, CallOutcomes.Name(reason));
            Interlocked.Decrement(ref _active);
            cancelled.Dispose();
        }
    }

    /// <summary>
    /// Waits for the answer (with Outbound:EarlyMedia accept, a 183's SDP opens the media first: the
    /// callee's ringback or announcement is received, measured and heard by the detector before the
    /// answer); runs the plan's verbs when answered. Returns whether it was answered and how it ended.
    /// </summary>
    private async Task<(bool Answered, CallOutcome Outcome)> RunAttemptAsync(OutboundCallPlan plan, CallRecord record, Attempt attempt, int number)
    {
        var call = attempt.Call;
        CallMedia? opened = null;
        try
        {
            HostLog.OutgoingCall(logger, call.To);
            if (settings.Outbound.EarlyMedia && await Task.WhenAny(call.Answered, call.EarlyMedia) == call.EarlyMedia
                && media.Negotiate(call.EarlyMedia.Result) is { } early)
            {
                opened = media.Open(attempt.Socket, early, attempt.SessionId, record);
                opened.StartReceiving();
                record.AddEvent("early-media", time.GetUtcNow(), $"{early.Codec} from {early.RemoteRtp}");
                HostLog.EarlyMedia(logger, early.Codec, early.RemoteRtp.ToString());
            }

            if (!await call.Answered)
            {
                record.SetOutcome(call.Outcome, call.StatusCode);
                record.AddEvent("attempt", time.GetUtcNow(), $"{number}: {call.Outcome} ({call.StatusCode})");
                HostLog.OutgoingNotAnswered(logger, call.Outcome, call.StatusCode ?? 0);
                await applications.ReportNotAnsweredAsync(plan.WebhookUrl, record, call.Outcome, call.StatusCode, number);
                return (false, CallOutcome.NotAnswered);
            }

            if (opened is null)
            {
                if (media.Negotiate(call.RemoteSdp ?? string.Empty) is not { } answered)
                {
                    record.SetOutcome(CallOutcomes.Name(CallOutcome.Failed), 488);
                    await call.HangupAsync(CancellationToken.None);
                    return (true, CallOutcome.LocalHangup);
                }

                opened = media.Open(attempt.Socket, answered, attempt.SessionId, record);
                opened.StartReceiving();
            }
            else if (media.Negotiate(call.RemoteSdp ?? string.Empty) is { } final)
            {
                opened.FollowRemote(final);
            }

            var context = opened.Attach(call, plan.Voice);
            opened.ConfirmPeer(); // the callee's 2xx to our INVITE (we ACK it) confirms the peer; early media sent nothing
            opened.MarkAnswered(call);
            record.AddEvent("attempt", time.GetUtcNow(), $"{number}: answered (200)");
            await applications.RunAnsweredOutboundAsync(context, plan.WebhookUrl, plan.Verbs, CancellationToken.None);
            await call.HangupAsync(CancellationToken.None); // the verbs ran out: a notification call ends
            return (true, call.Completion.IsCompletedSuccessfully ? CallOutcomes.From(call.Completion.Result) : CallOutcome.Shutdown);
        }
        finally
        {
            if (opened is not null)
            {
                await opened.DisposeAsync(); // stops the clock and the speech, returns the port
            }
            else
            {
                media.ReleasePort(attempt.Socket);
            }
        }
    }

    private sealed record Attempt(OutgoingCall Call, System.Net.Sockets.Socket Socket, long SessionId);
}

/// <summary>An outbound call cannot be placed now (limit reached, no RTP port, SIP down).</summary>
internal sealed class OutboundCallRefusedException(string message) : Exception(message);
