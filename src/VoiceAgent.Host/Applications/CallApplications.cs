using VoiceAgent.Host.Applications.Streams;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;

namespace VoiceAgent.Host.Applications;

/// <summary>
/// Runs calls for the configured applications (Application:* settings): a webhook per called
/// number, else a Twilio Media Streams URL; the caller hears the fallback message when the stream
/// cannot be reached.
/// </summary>
internal sealed class CallApplications(
    ApplicationSettings settings,
    WebhookClient webhooks,
    AudioFileLibrary audioFiles,
    VoiceDirectory voices,
    CallEventHubs hubs,
    TimeProvider time,
    ILogger<CallApplications> logger) : ICallApplications
{
    public async Task<bool> TryRunInboundAsync(CallContext call, string? calledNumber, Func<Task> answer, CancellationToken cancellationToken)
    {
        if (settings.WebhookFor(calledNumber) is { } application)
        {
            await CreateScript(call).RunAsync(application, answer, cancellationToken);
            return true;
        }

        if (settings.StreamUrl is { } streamUrl)
        {
            await answer();
            await RunMediaStreamAsync(call, streamUrl, cancellationToken);
            return true;
        }

        return false;
    }

    public Task RunAnsweredOutboundAsync(CallContext call, Uri? application, IReadOnlyList<ICallVerb> verbs, CancellationToken cancellationToken)
        => CreateScript(call).RunAnsweredOutboundAsync(application, verbs.Cast<CallVerb>().ToList(), cancellationToken);

    public async Task ReportNotAnsweredAsync(Uri? application, CallRecord record, string outcome, int? sipCode, int attempt)
    {
        if (application is null)
        {
            return;
        }

        var evt = new CallEventFactory(record, time).Create("call.ended", ("outcome", outcome), ("sipCode", sipCode), ("attempt", attempt));
        await webhooks.SendAsync(application, evt, CancellationToken.None);
    }

    private WebhookCallScript CreateScript(CallContext call) => new(call, webhooks, settings, audioFiles, voices, hubs, time, logger);

    /// <summary>A Twilio Media Streams application; when it cannot be reached the caller hears the fallback message.</summary>
    private async Task RunMediaStreamAsync(CallContext context, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            await new TwilioMediaStream(context, url, logger).RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException && !context.Ended.IsCancellationRequested)
        {
            ApplicationLog.StreamFailed(logger, Webhooks.WebhookAddress.Redact(url), ex.Message);
            await context.Speaker.SayAsync(settings.FallbackMessage, context.Ended);
            await context.Call.HangupAsync(CancellationToken.None);
        }
    }
}
