namespace VoiceAgent.Host.Applications;

/// <summary>Log events of call applications (webhooks and verbs).</summary>
internal static partial class ApplicationLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Running verb {Verb}")]
    public static partial void VerbStarted(ILogger logger, string verb);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Application reply to {Event}: {Error}")]
    public static partial void VerbError(ILogger logger, string @event, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Webhook {Event} to {Url} answered HTTP {Status}")]
    public static partial void WebhookRejected(ILogger logger, string @event, string url, int status);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Webhook {Event} to {Url} failed: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string @event, string url, string reason);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Call error reported to the application: {Error}")]
    public static partial void CallError(ILogger logger, string error);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Application unreachable ({Reason}): speaking the fallback message and hanging up")]
    public static partial void ApplicationUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 406, Level = LogLevel.Information, Message = "Gather done: '{Digits}' ({Reason})")]
    public static partial void GatherDone(ILogger logger, string digits, string reason);

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "Media stream to {Url} failed: {Reason}")]
    public static partial void StreamFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 408, Level = LogLevel.Debug, Message = "Media stream message ignored: {Reason}")]
    public static partial void StreamMessageIgnored(ILogger logger, string reason);

    [LoggerMessage(EventId = 450, Level = LogLevel.Warning, Message = "Webhook {Event} to {Url} answered HTTP {Status}: redirects are not followed")]
    public static partial void WebhookRedirectRefused(ILogger logger, string @event, string url, int status);

    [LoggerMessage(EventId = 451, Level = LogLevel.Warning, Message = "Webhook event {Event} dropped: {Pending} events already wait for the application")]
    public static partial void WebhookEventDropped(ILogger logger, string @event, int pending);

    [LoggerMessage(EventId = 452, Level = LogLevel.Error, Message = "Webhook event {Event} could not be delivered")]
    public static partial void WebhookEventFailed(ILogger logger, Exception exception, string @event);

    [LoggerMessage(EventId = 453, Level = LogLevel.Warning, Message = "Redirect to {Url} refused: {Reason}")]
    public static partial void RedirectRefused(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 480, Level = LogLevel.Warning, Message = "Media stream to {Url} is not reading: its send queue is full, dropping caller audio frames (counted in voiceagent.stream.media.dropped)")]
    public static partial void StreamSendQueueFull(ILogger logger, string url);

    [LoggerMessage(EventId = 481, Level = LogLevel.Warning, Message = "Media stream playback queue full ({QueuedSeconds:F0} s of audio): dropping the application's audio (counted in voiceagent.stream.playback.dropped)")]
    public static partial void StreamPlaybackFull(ILogger logger, double queuedSeconds);
}
