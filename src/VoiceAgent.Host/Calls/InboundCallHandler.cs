using System.Security.Cryptography;
using VoiceAgent.Host.Applications;
using VoiceAgent.Host.Applications.Streams;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Media.Vad;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// Binds an incoming SIP call to media and speech: negotiates the codec, opens the RTP stream,
/// starts the greeting's synthesis before the 200 OK leaves (so audio is ready for the first
/// packet), answers, and runs the embedded default's script until the call ends.
/// </summary>
internal sealed class InboundCallHandler(
    VoiceAgentSettings settings,
    SdpNegotiator negotiator,
    RtpPortAllocator ports,
    MediaClock clock,
    SpeechPipeline pipeline,
    VoiceDirectory voices,
    CallRegistry registry,
    LiveCalls live,
    WebhookClient webhooks,
    AudioFileLibrary audioFiles,
    CallEventHubs hubs,
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
            var reason = call.Completion.IsCompletedSuccessfully ? call.Completion.Result : CallEndReason.Shutdown;
            record.MarkEnded(CallOutcomes.Name(reason), time.GetUtcNow());
            HostLog.CallEnded(logger, CallOutcomes.Name(reason));
        }
    }

    private async Task RunCallAsync(IncomingCall call, CallRecord record, CancellationToken cancellationToken)
    {
        if (!SessionDescription.TryParse(call.RemoteSdp, out var offer, out var sdpError))
        {
            await RejectAsync(call, record, 488, $"Not Acceptable Here ({sdpError})", cancellationToken);
            return;
        }

        var negotiation = negotiator.Negotiate(offer!);
        if (negotiation.Media is not { } media)
        {
            await RejectAsync(call, record, 488, "Not Acceptable Here", cancellationToken, negotiation.FailureReason);
            return;
        }

        System.Net.Sockets.Socket socket;
        try
        {
            socket = ports.Allocate();
        }
        catch (InvalidOperationException ex)
        {
            await RejectAsync(call, record, 503, "Service Unavailable", cancellationToken, ex.Message);
            return;
        }

        var encoder = AudioCodecs.CreateEncoder(media.Codec, media.RemoteFormat, settings.Media.Opus);
        var format = new RtpStreamFormat(encoder, media.PayloadType, media.TelephoneEventPayloadType, media.TelephoneEventClockRate, AudioCodecs.CreateDecoder(media.Codec));
        await using var stream = new RtpStream(socket, format, media.RemoteRtp, ports.Release, settings.Rtp.StrictSource) { Logger = logger };
        record.AttachMedia(() => stream.Statistics);
        var signals = CallSignalPump.Start(stream, call.InfoDigits, record, time, logger, call.Ended);
        var sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var answer = SdpAnswerBuilder.Build(offer!, media, settings.Sip.PublicAddress, stream.LocalPort, sessionId);
        call.SessionUpdateHandler = new CallMediaSession(negotiator, stream, record, settings.Sip.PublicAddress, media, sessionId, time).AnswerOffer;
        var calledNumber = VoiceAgent.Telephony.Sip.Messages.SipUri.TryParse(call.RequestUri, out var requestUri) ? requestUri!.User : null;
        await using var session = pipeline.CreateSession(record.Id, voices.Create(settings.Inbound.VoiceFor(calledNumber)));
        var context = new CallContext(call, record, stream, new CallSpeaker(session, stream, record, logger), signals.Signals);
        Task? acknowledged = null;
        Task AnswerAsync()
        {
            stream.Start();
            var answered = call.AnswerAsync(answer, cancellationToken);
            acknowledged = answered;
            // No media before the ACK (RFC 3261 §13.3.1.4) or the caller's own media: an INVITE never
            // acknowledged must not aim our RTP at the address its SDP names (media amplification).
            _ = answered.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result)
                    {
                        stream.ConfirmPeer();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            clock.Register(stream);
            _ = WatchMediaAsync(stream, record, call.HangupAsync, call.Ended); // the peer sends RTP once it has our answer
            record.MarkAnswered(media.Codec, time.GetUtcNow());
            HostLog.CallAnswered(logger, media.Codec, stream.LocalPort, media.RemoteRtp.ToString());
            return Task.CompletedTask;
        }

        try
        {
            if (settings.Application.WebhookFor(calledNumber) is { } application)
            {
                var script = new WebhookCallScript(context, webhooks, settings.Application, audioFiles, voices, hubs, time, logger);
                await script.RunAsync(application, AnswerAsync, cancellationToken);
            }
            else if (settings.Application.StreamUrl is { } streamUrl)
            {
                await AnswerAsync();
                await RunMediaStreamAsync(context, streamUrl, cancellationToken);
            }
            else
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
        finally
        {
            clock.Unregister(stream);
        }
    }

    private Task WatchMediaAsync(RtpStream stream, CallRecord record, Func<CancellationToken, Task> hangup, CancellationToken callEnded)
        => MediaInactivityWatchdog.RunAsync(stream, settings.Rtp.InactivityTimeout, async () =>
        {
            HostLog.MediaTimeout(logger, settings.Rtp.InactivityTimeout.TotalSeconds);
            record.OverrideEndReason("rtp-timeout");
            await hangup(CancellationToken.None);
        }, time, callEnded);

    /// <summary>A Twilio Media Streams application; when it cannot be reached the caller hears the fallback message.</summary>
    private async Task RunMediaStreamAsync(CallContext context, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            await new TwilioMediaStream(context, url, logger).RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException && !context.Ended.IsCancellationRequested)
        {
            ApplicationLog.StreamFailed(logger, url, ex.Message);
            await context.Speaker.SayAsync(settings.Application.FallbackMessage, context.Ended);
            await context.Call.HangupAsync(CancellationToken.None);
        }
    }

    private async Task RejectAsync(IncomingCall call, CallRecord record, int status, string reason, CancellationToken cancellationToken, string? detail = null)
    {
        record.SetOutcome("rejected", status);
        HostLog.CallRejected(logger, status, detail ?? reason);
        await call.RejectAsync(status, reason, cancellationToken);
    }
}
