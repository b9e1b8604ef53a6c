namespace VoiceAgent.Host.Api;

/// <summary>Log events of the HTTP API.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Speech synthesis request failed")]
    public static partial void SynthesisFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 610, Level = LogLevel.Debug, Message = "Request refused: Host '{Host}' is not an IP address, localhost or in Api:AllowedHosts")]
    public static partial void ForeignHost(ILogger logger, string host);

    [LoggerMessage(EventId = 611, Level = LogLevel.Debug, Message = "Request refused: Origin '{Origin}' is foreign (WebSocket upgrade: {WebSocket})")]
    public static partial void ForeignOrigin(ILogger logger, string origin, bool webSocket);

    [LoggerMessage(EventId = 612, Level = LogLevel.Debug, Message = "Speech request refused: {Limit} are being synthesized (Api:MaxConcurrentSpeech)")]
    public static partial void SpeechRefused(ILogger logger, int limit);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Speech request refused: {Reason}")]
    public static partial void SpeechTooLarge(ILogger logger, string reason);
}
