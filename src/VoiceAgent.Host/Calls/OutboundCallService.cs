using System.Security.Cryptography;
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
/// Notification calls: places the INVITE (our SDP offer from the configured codecs), and once the
/// callee answers speaks the text into the call and hangs up. The outcome (answered, busy,
/// no-answer, rejected, failed, cancelled) and the SIP code go into the call record.
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
    TimeProvider time,
    ILogger<OutboundCallService> logger)
{
    private int _active;

    /// <summary>Starts a call; returns its record at once (the call runs in the background).</summary>
    /// <exception cref="OutboundCallRefusedException">The campaign limit is reached or SIP is not up.</exception>
    public CallRecord Start(string target, string fromUser, string text, VoiceProfile voice, TimeSpan ringTimeout)
    {
        var agent = sip.Agent ?? throw new OutboundCallRefusedException("SIP is not running yet.");
        if (Interlocked.Increment(ref _active) > settings.Outbound.MaxConcurrentCalls)
        {
            Interlocked.Decrement(ref _active);
            throw new OutboundCallRefusedException($"{settings.Outbound.MaxConcurrentCalls} outbound calls are already up (Outbound:MaxConcurrentCalls).");
        }

        System.Net.Sockets.Socket socket;
        try
        {
            socket = ports.Allocate();
        }
        catch (InvalidOperationException ex)
        {
            Interlocked.Decrement(ref _active);
            throw new OutboundCallRefusedException(ex.Message);
        }

        var offer = SdpOfferBuilder.Build(settings.Media.Codecs, settings.Sip.PublicAddress, ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port, RandomNumberGenerator.GetInt32(1, int.MaxValue));
        OutgoingCall call;
        try
        {
            call = agent.PlaceCall(new OutgoingCallRequest(target, fromUser, offer, ringTimeout, settings.Outbound.Proxy, settings.Outbound.Credentials));
        }
        catch (ArgumentException)
        {
            Interlocked.Decrement(ref _active);
            socket.Dispose();
            throw;
        }

        var id = "c" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var record = new CallRecord(id, call.CallId, call.From, call.To, "outbound", time.GetUtcNow());
        registry.Add(record);
        _ = RunAsync(call, record, socket, text, voice);
        return record;
    }

    private async Task RunAsync(OutgoingCall call, CallRecord record, System.Net.Sockets.Socket socket, string text, VoiceProfile voice)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = record.Id, ["SipCallId"] = call.CallId });
        using var registration = live.Register(record.Id, call.HangupAsync);
        var socketOwned = true;
        try
        {
            HostLog.OutgoingCall(logger, call.To);
            if (!await call.Answered)
            {
                record.SetOutcome(call.Outcome, call.StatusCode);
                HostLog.OutgoingNotAnswered(logger, call.Outcome, call.StatusCode ?? 0);
                return;
            }

            if (!SessionDescription.TryParse(call.RemoteSdp ?? string.Empty, out var answer, out _) || negotiator.Negotiate(answer!).Media is not { } media)
            {
                record.SetOutcome("failed", 488);
                await call.HangupAsync(CancellationToken.None);
                return;
            }

            socketOwned = false;
            var encoder = AudioCodecs.CreateEncoder(media.Codec, media.RemoteFormat, settings.Media.Opus);
            var format = new RtpStreamFormat(encoder, media.PayloadType, media.TelephoneEventPayloadType, media.TelephoneEventClockRate, AudioCodecs.CreateDecoder(media.Codec));
            await using var stream = new RtpStream(socket, format, media.RemoteRtp, ports.Release);
            record.AttachMedia(() => stream.Statistics);
            _ = CallSignalPump.Start(stream, call.InfoDigits, record, time, logger, call.Ended);
            _ = MediaInactivityWatchdog.RunAsync(stream, settings.Rtp.InactivityTimeout, async () =>
            {
                HostLog.MediaTimeout(logger, settings.Rtp.InactivityTimeout.TotalSeconds);
                record.OverrideEndReason("rtp-timeout");
                await call.HangupAsync(CancellationToken.None);
            }, time, call.Ended);
            await using var session = pipeline.CreateSession(record.Id, voice);
            var speaker = new CallSpeaker(session, stream, record, logger);
            stream.Start();
            clock.Register(stream);
            record.MarkAnswered(media.Codec, time.GetUtcNow());
            HostLog.CallAnswered(logger, media.Codec, stream.LocalPort, media.RemoteRtp.ToString());
            try
            {
                await speaker.SayAsync(text, call.Ended);
                await call.HangupAsync(CancellationToken.None);
            }
            finally
            {
                clock.Unregister(stream);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HostLog.CallFailed(logger, ex);
            await call.HangupAsync(CancellationToken.None);
        }
        finally
        {
            if (socketOwned)
            {
                ports.Release(((System.Net.IPEndPoint)socket.LocalEndPoint!).Port);
                socket.Dispose();
            }

            var reason = call.Completion.IsCompletedSuccessfully ? call.Completion.Result : CallEndReason.Shutdown;
            record.MarkEnded(CallOutcomes.Name(reason), time.GetUtcNow());
            HostLog.CallEnded(logger, CallOutcomes.Name(reason));
            Interlocked.Decrement(ref _active);
        }
    }
}

/// <summary>An outbound call cannot be placed now (limit reached, no RTP port, SIP down).</summary>
internal sealed class OutboundCallRefusedException(string message) : Exception(message);
