namespace VoiceAgent.Host.Storage;

/// <summary>Log events of the call record store.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Call records in {Path}; {Crashed} call(s) live at the last stop marked host-restarted")]
    public static partial void Opened(ILogger logger, string path, int crashed);

    [LoggerMessage(EventId = 510, Level = LogLevel.Error, Message = "Call records cannot be written ({Pending} call(s) waiting); retrying with back-off until the storage recovers")]
    public static partial void OutageBegan(ILogger logger, int pending, Exception exception);

    [LoggerMessage(EventId = 511, Level = LogLevel.Debug, Message = "Call records still cannot be written ({Pending} call(s) waiting): {Error}")]
    public static partial void StillFailing(ILogger logger, int pending, string error);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Call records written again after an outage of {Seconds:F1} s ({Failures} failed write(s)); {Calls} call(s) caught up")]
    public static partial void Recovered(ILogger logger, double seconds, int failures, int calls);

    [LoggerMessage(EventId = 513, Level = LogLevel.Error, Message = "Call record of {CallId} not kept: {Capacity} calls already wait for the storage (further refusals counted in voiceagent.storage.records_dropped)")]
    public static partial void PendingFull(ILogger logger, string callId, int capacity);

    [LoggerMessage(EventId = 514, Level = LogLevel.Error, Message = "{Pending} call record(s) not written: the storage still failed at shutdown")]
    public static partial void LostAtShutdown(ILogger logger, int pending);

    [LoggerMessage(EventId = 515, Level = LogLevel.Error, Message = "Call record of {CallId} refused by the database (its content, not an outage); not kept, counted in voiceagent.storage.records_dropped")]
    public static partial void RecordRefused(ILogger logger, string callId, Exception exception);
}
