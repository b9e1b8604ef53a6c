using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using VoiceAgent.Host.Applications;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Host.Telephony;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;
using VoiceAgent.Tts;

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
    SdpNegotiator negotiator,
    RtpPortAllocator ports,
    MediaClock clock,
    SpeechPipeline pipeline,
    CallRegistry registry,
    LiveCalls live,
    WebhookClient webhooks,
    AudioFileLibrary audioFiles,
    VoiceDirectory voices,
    CallEventHubs hubs,
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
            socket = ports.Allocate();
        }
        catch (InvalidOperationException ex)
        {
            throw new OutboundCallRefusedException(ex.Message);
        }

        try
        {
            var sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
            var offer = SdpOfferBuilder.Build(settings.Media.Codecs, settings.Sip.PublicAddress, ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port, sessionId);
            var call = agent.PlaceCall(new OutgoingCallRequest(plan.Target, plan.FromUser, offer, plan.RingTimeout, plan.Trunk?.Proxy, plan.Trunk?.Credentials, plan.Trunk?.Domain));
            return new Attempt(call, socket, sessionId);
        }
        catch
        {
            ports.Release(((System.Net.IPEndPoint)socket.LocalEndPoint!).Port);
            socket.Dispose();
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
        var reason = CallEndReason.NotAnswered;
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
            reason = CallEndReason.Cancelled;
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
    private async Task<(bool Answered, CallEndReason Reason)> RunAttemptAsync(OutboundCallPlan plan, CallRecord record, Attempt attempt, int number)
    {
        var call = attempt.Call;
        OpenedMedia? opened = null;
        try
        {
            HostLog.OutgoingCall(logger, call.To);
            if (settings.Outbound.EarlyMedia && await Task.WhenAny(call.Answered, call.EarlyMedia) == call.EarlyMedia
                && Open(attempt, call.EarlyMedia.Result) is { } early)
            {
                opened = early;
                early.Stream.Start();
                record.AttachMedia(() => early.Stream.Statistics);
                record.AddEvent("early-media", time.GetUtcNow(), $"{early.Media.Codec} from {early.Media.RemoteRtp}");
                HostLog.EarlyMedia(logger, early.Media.Codec, early.Media.RemoteRtp.ToString());
            }

            if (!await call.Answered)
            {
                record.SetOutcome(call.Outcome, call.StatusCode);
                record.AddEvent("attempt", time.GetUtcNow(), $"{number}: {call.Outcome} ({call.StatusCode})");
                HostLog.OutgoingNotAnswered(logger, call.Outcome, call.StatusCode ?? 0);
                await ReportNotAnsweredAsync(plan, record, call, number);
                return (false, CallEndReason.NotAnswered);
            }

            if (opened is null)
            {
                if (Open(attempt, call.RemoteSdp ?? string.Empty) is not { } answered)
                {
                    record.SetOutcome("failed", 488);
                    await call.HangupAsync(CancellationToken.None);
                    return (true, CallEndReason.LocalHangup);
                }

                opened = answered;
                record.AttachMedia(() => answered.Stream.Statistics);
                answered.Stream.Start();
            }
            else if (Negotiate(call.RemoteSdp ?? string.Empty) is { } final && !final.RemoteRtp.Equals(opened.Media.RemoteRtp))
            {
                opened.Stream.UpdateRemote(final.RemoteRtp); // the 2xx should repeat the 183's answer; follow it if not
            }

            var (stream, media) = (opened.Stream, opened.Media);
            call.SessionUpdateHandler = new CallMediaSession(negotiator, stream, record, settings.Sip.PublicAddress, media, attempt.SessionId, time).AnswerOffer;
            var signals = CallSignalPump.Start(stream, call.InfoDigits, record, time, logger, call.Ended);
            _ = MediaInactivityWatchdog.RunAsync(stream, settings.Rtp.InactivityTimeout, async () =>
            {
                HostLog.MediaTimeout(logger, settings.Rtp.InactivityTimeout.TotalSeconds);
                record.OverrideEndReason("rtp-timeout");
                await call.HangupAsync(CancellationToken.None);
            }, time, call.Ended);
            await using var session = pipeline.CreateSession(record.Id, plan.Voice);
            var context = new CallContext(call, record, stream, new CallSpeaker(session, stream, record, logger), signals.Signals);
            stream.ConfirmPeer(); // the callee's 2xx to our INVITE (we ACK it) confirms the peer; early media sent nothing
            clock.Register(stream);
            record.MarkAnswered(media.Codec, time.GetUtcNow());
            record.AddEvent("attempt", time.GetUtcNow(), $"{number}: answered (200)");
            HostLog.CallAnswered(logger, media.Codec, stream.LocalPort, media.RemoteRtp.ToString());
            try
            {
                var script = new WebhookCallScript(context, webhooks, settings.Application, audioFiles, voices, hubs, time, logger);
                await script.RunAnsweredOutboundAsync(plan.WebhookUrl, plan.Verbs, CancellationToken.None);
                await call.HangupAsync(CancellationToken.None); // the verbs ran out: a notification call ends
            }
            finally
            {
                clock.Unregister(stream);
            }

            return (true, call.Completion.IsCompletedSuccessfully ? call.Completion.Result : CallEndReason.Shutdown);
        }
        finally
        {
            if (opened is not null)
            {
                await opened.Stream.DisposeAsync(); // returns the port
            }
            else
            {
                ports.Release(((System.Net.IPEndPoint)attempt.Socket.LocalEndPoint!).Port);
                attempt.Socket.Dispose();
            }
        }
    }

    /// <summary>The RTP stream for the callee's SDP answer (from a 183 or the 2xx), or null when nothing in it is acceptable.</summary>
    private OpenedMedia? Open(Attempt attempt, string sdp)
    {
        if (Negotiate(sdp) is not { } media)
        {
            return null;
        }

        var encoder = AudioCodecs.CreateEncoder(media.Codec, media.RemoteFormat, settings.Media.Opus);
        var format = new RtpStreamFormat(encoder, media.PayloadType, media.TelephoneEventPayloadType, media.TelephoneEventClockRate, AudioCodecs.CreateDecoder(media.Codec));
        return new OpenedMedia(new RtpStream(attempt.Socket, format, media.RemoteRtp, ports.Release, settings.Rtp.StrictSource) { Logger = logger }, media);
    }

    /// <summary>What the callee's SDP answer gives us to use, or null when it does not parse or nothing in it is acceptable.</summary>
    private NegotiatedMedia? Negotiate(string sdp)
        => SessionDescription.TryParse(sdp, out var answer, out _) ? negotiator.Negotiate(answer!).Media : null;

    private sealed record OpenedMedia(RtpStream Stream, NegotiatedMedia Media);

    /// <summary>The application learns of every unanswered attempt (outcome and SIP code) through call.ended.</summary>
    private async Task ReportNotAnsweredAsync(OutboundCallPlan plan, CallRecord record, OutgoingCall call, int number)
    {
        if (plan.WebhookUrl is not { } url)
        {
            return;
        }

        var evt = new CallEventFactory(record, time).Create("call.ended", ("outcome", call.Outcome), ("sipCode", call.StatusCode), ("attempt", number));
        await webhooks.SendAsync(url, evt, CancellationToken.None);
    }

    private sealed record Attempt(OutgoingCall Call, System.Net.Sockets.Socket Socket, long SessionId);
}

/// <summary>An outbound call cannot be placed now (limit reached, no RTP port, SIP down).</summary>
internal sealed class OutboundCallRefusedException(string message) : Exception(message);
