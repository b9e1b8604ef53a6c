namespace VoiceAgent.Host;

/// <summary>Source-generated log messages of the host (event ids 4000-4999).</summary>
internal static partial class HostLog
{
    [LoggerMessage(4000, LogLevel.Information, "TTS engine {Engine} ready ({SampleRate} Hz), warm-up took {Milliseconds:F0} ms")]
    public static partial void TtsReady(ILogger logger, string engine, int sampleRate, double milliseconds);

    [LoggerMessage(4150, LogLevel.Information, "Media path warmed up with a synthetic call per codec ({Codecs}) in {Milliseconds:F0} ms")]
    public static partial void MediaWarmedUp(ILogger logger, string codecs, double milliseconds);

    [LoggerMessage(4151, LogLevel.Warning, "Media warm-up did not finish ({Reason}); the first call may be paced less evenly")]
    public static partial void MediaWarmupFailed(ILogger logger, string reason);

    [LoggerMessage(4001, LogLevel.Information, "SIP listening on {EndPoint} ({Transports}), public address {PublicAddress}")]
    public static partial void SipListening(ILogger logger, string endPoint, string transports, string publicAddress);

    [LoggerMessage(4110, LogLevel.Information, "SIP calls accepted from {Who} (Sip:InboundFrom={Policy}); at most {PerSource} calls per other source (Sip:MaxCallsPerSource)")]
    public static partial void SipAdmission(ILogger logger, string who, string policy, int perSource);

    [LoggerMessage(4002, LogLevel.Information, "Incoming call from {From} to {To}")]
    public static partial void IncomingCall(ILogger logger, string from, string to);

    [LoggerMessage(4003, LogLevel.Warning, "Rejected call: {Status} {Reason}")]
    public static partial void CallRejected(ILogger logger, int status, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Answered with {Codec}, RTP port {RtpPort}, remote media {RemoteMedia}")]
    public static partial void CallAnswered(ILogger logger, string codec, int rtpPort, string remoteMedia);

    [LoggerMessage(4005, LogLevel.Information, "Call ended: {Reason}")]
    public static partial void CallEnded(ILogger logger, string reason);

    [LoggerMessage(4006, LogLevel.Information, "DTMF digit {Digit} ({DurationMs} ms)")]
    public static partial void DtmfReceived(ILogger logger, char digit, int durationMs);

    [LoggerMessage(4007, LogLevel.Information,
        "Utterance {UtteranceId} {Outcome}: accepted -> normalized {NormalizedMs:F1} ms, generated {GeneratedMs:F1} ms, first PCM {FirstPcmMs:F1} ms, first RTP {FirstRtpMs:F1} ms, last RTP {LastRtpMs:F1} ms")]
    public static partial void UtteranceTimeline(ILogger logger, string utteranceId, string outcome, double? normalizedMs, double? generatedMs, double? firstPcmMs, double? firstRtpMs, double? lastRtpMs);

    [LoggerMessage(4008, LogLevel.Error, "Call failed")]
    public static partial void CallFailed(ILogger logger, Exception exception);

    [LoggerMessage(4010, LogLevel.Information, "Caller {Transition}")]
    public static partial void CallerSpeech(ILogger logger, string transition);

    [LoggerMessage(4009, LogLevel.Warning, "Utterance {UtteranceId} failed")]
    public static partial void UtteranceFailed(ILogger logger, Exception exception, string utteranceId);

    [LoggerMessage(4011, LogLevel.Information, "Outgoing call to {To}")]
    public static partial void OutgoingCall(ILogger logger, string to);

    [LoggerMessage(4012, LogLevel.Information, "Outgoing call not answered: {Outcome} ({SipCode})")]
    public static partial void OutgoingNotAnswered(ILogger logger, string outcome, int sipCode);

    [LoggerMessage(4013, LogLevel.Warning, "No RTP from the peer for {Seconds} s: hanging up")]
    public static partial void MediaTimeout(ILogger logger, double seconds);

    [LoggerMessage(4014, LogLevel.Information, "Early media: {Codec} from {RemoteRtp} before the answer (Outbound:EarlyMedia accept)")]
    public static partial void EarlyMedia(ILogger logger, string codec, string remoteRtp);

    [LoggerMessage(4140, LogLevel.Warning, "Call up for {Seconds:F0} s, the longest Sip:MaxCallDurationSeconds allows: hanging up")]
    public static partial void CallDurationExceeded(ILogger logger, double seconds);
}
