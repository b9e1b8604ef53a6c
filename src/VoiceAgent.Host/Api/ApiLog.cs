namespace VoiceAgent.Host.Api;

/// <summary>Log events of the HTTP API.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Speech synthesis request failed")]
    public static partial void SynthesisFailed(ILogger logger, Exception exception);
}
