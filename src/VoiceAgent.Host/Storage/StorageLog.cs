namespace VoiceAgent.Host.Storage;

/// <summary>Log events of the call record store.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Call records in {Path}; {Crashed} call(s) live at the last stop marked host-restarted")]
    public static partial void Opened(ILogger logger, string path, int crashed);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Writing call records failed; they are written again with the next change")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
