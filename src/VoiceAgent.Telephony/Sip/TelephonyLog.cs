using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Sip;

/// <summary>Source-generated log messages of the SIP stack (event ids 1000-1999).</summary>
internal static partial class TelephonyLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Malformed SIP from {Remote}: {Kind} {Detail}")]
    public static partial void Malformed(ILogger logger, string remote, string kind, string detail);

    [LoggerMessage(1001, LogLevel.Warning, "SIP send to {Remote} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, string remote, string error);

    [LoggerMessage(1002, LogLevel.Information, "{Method} for call {SipCallId} from {Remote} answered {Status} {Reason}")]
    public static partial void Answered(ILogger logger, string method, string? sipCallId, string remote, int status, string reason);

    // Debug: stateless answers are what scanners and floods get (OPTIONS probes, refusals); at Information they would flood the log.
    [LoggerMessage(1300, LogLevel.Debug, "{Method} for call {SipCallId} from {Remote} answered {Status} {Reason} statelessly")]
    public static partial void AnsweredStatelessly(ILogger logger, string method, string? sipCallId, string remote, int status, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Call {CallId}: no ACK for the 2xx after 64*T1; ending the call")]
    public static partial void AckTimeout(ILogger logger, string callId);

    [LoggerMessage(1004, LogLevel.Error, "Incoming call handler failed for call {CallId}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string callId);

    [LoggerMessage(1005, LogLevel.Warning, "Call {CallId}: BYE got no final response ({Outcome})")]
    public static partial void ByeUnanswered(ILogger logger, string callId, string outcome);

    [LoggerMessage(1006, LogLevel.Error, "SIP user agent failed on a message from {Remote}")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string remote);

    [LoggerMessage(1020, LogLevel.Information, "Outgoing call {CallId} answered")]
    public static partial void OutgoingAnswered(ILogger logger, string callId);

    [LoggerMessage(1021, LogLevel.Information, "Outgoing call {CallId} not answered: {Status} {Reason}")]
    public static partial void OutgoingNotAnswered(ILogger logger, string callId, int status, string reason);

    // 1022 (INVITE refused, at Warning) was per packet under a flood; 1150 replaces it at Debug with the refusals counted.
    [LoggerMessage(1150, LogLevel.Debug, "INVITE from {Remote} refused with {Status}: {Reason}")]
    public static partial void InviteRefused(ILogger logger, string remote, int status, string reason);

    [LoggerMessage(1151, LogLevel.Trace, "{Method} from {Remote} dropped: over Sip:RequestsPerSecondPerSource")]
    public static partial void RequestDropped(ILogger logger, string method, string remote);

    [LoggerMessage(1152, LogLevel.Warning, "{Context}: a Digest challenge for realm '{Realm}' is not answered ({Why})")]
    public static partial void ChallengeNotAnswered(ILogger logger, string context, string realm, string why);

    [LoggerMessage(1023, LogLevel.Information, "Call {CallId}: answering the {Status} challenge as {Username}")]
    public static partial void Authenticating(ILogger logger, string callId, int status, string username);

    [LoggerMessage(1024, LogLevel.Information, "Call {CallId}: transfer to {Target} ended with {Status}")]
    public static partial void TransferDone(ILogger logger, string callId, string target, int status);

    [LoggerMessage(1025, LogLevel.Warning, "Call {CallId}: REFER to {Target} refused with {Status}")]
    public static partial void TransferFailed(ILogger logger, string callId, string target, int status);

    [LoggerMessage(1026, LogLevel.Warning, "Call {CallId}: session timer expired without a refresh (RFC 4028); sending BYE")]
    public static partial void SessionExpired(ILogger logger, string callId);

    [LoggerMessage(1027, LogLevel.Warning, "SIP over TCP from {Remote}: {Problem}; closing the connection")]
    public static partial void StreamRejected(ILogger logger, string remote, string problem);

    [LoggerMessage(1028, LogLevel.Warning, "SIP over TCP: {Count} connections open (Sip:MaxTcpConnections); refusing {Remote}")]
    public static partial void TooManyConnections(ILogger logger, int count, string remote);

    [LoggerMessage(1029, LogLevel.Debug, "SIP over TCP: connection {Direction} {Remote}")]
    public static partial void ConnectionOpened(ILogger logger, string direction, string remote);

    [LoggerMessage(1030, LogLevel.Debug, "SIP over TCP: connection with {Remote} closed ({Why})")]
    public static partial void ConnectionClosed(ILogger logger, string remote, string why);

    [LoggerMessage(1031, LogLevel.Warning, "Call {CallId}: the next hop '{Host}' does not resolve; the call fails with 503")]
    public static partial void NextHopUnresolved(ILogger logger, string callId, string host);

    [LoggerMessage(1032, LogLevel.Information, "Media clock threads run at {Scheduling} scheduling")]
    public static partial void ClockScheduling(ILogger logger, string scheduling);

    [LoggerMessage(1100, LogLevel.Warning, "SIP over TCP to {Remote}: the peer does not read ({Why}); closing the connection")]
    public static partial void SlowReaderClosed(ILogger logger, string remote, string why);

    [LoggerMessage(1101, LogLevel.Debug, "SIP over TCP: {Count} connections already open from the address of {Remote} (Sip:MaxTcpConnectionsPerAddress); refusing it")]
    public static partial void TooManyFromAddress(ILogger logger, int count, string remote);

    [LoggerMessage(1102, LogLevel.Warning, "SIP over TCP from {Remote}: a message not whole {Seconds} s after its first byte (Sip:TcpMessageTimeoutSeconds); closing the connection")]
    public static partial void MessageTooSlow(ILogger logger, string remote, double seconds);

    [LoggerMessage(1103, LogLevel.Debug, "SIP over TCP: nothing sent to {Remote}: its connection is closed")]
    public static partial void SendDropped(ILogger logger, string remote);

    [LoggerMessage(1200, LogLevel.Error, "RTP stream on port {Port} failed processing a packet; its further failures are only counted (voiceagent.rtp.receive_failures)")]
    public static partial void RtpReceiveFailed(ILogger logger, Exception exception, int port);

    [LoggerMessage(1201, LogLevel.Error, "Media clock thread {Loop}: a stream failed its tick; further failures on this thread are only counted (voiceagent.media.clock.tick_failures)")]
    public static partial void ClockTickFailed(ILogger logger, Exception exception, int loop);

    [LoggerMessage(1250, LogLevel.Warning, "Call {CallId}: SIP INFO faster than {PerSecond} per second; the excess is refused with 503 (counted in voiceagent.sip.info_rate_limited)")]
    public static partial void InfoRateLimited(ILogger logger, string callId, double perSecond);
}
