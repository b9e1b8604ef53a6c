using System.Text;
using Microsoft.Extensions.Http.Resilience;
using VoiceAgent.Host.Applications.Webhooks;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Applications;

/// <summary>Registers the call applications and the webhook client with its resilience pipeline.</summary>
internal static class ApplicationServiceCollectionExtensions
{
    public static IServiceCollection AddVoiceAgentApplications(this IServiceCollection services, ApplicationSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<AudioFileLibrary>();
        services.AddSingleton<CallEventHubs>();
        services.AddSingleton<ICallApplications, CallApplications>();
        services.AddSingleton(new WebhookSigner(Encoding.UTF8.GetBytes(settings.WebhookSecret)));
        services.AddSingleton<WebhookClient>();
        services.AddHttpClient(WebhookClient.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns every timeout
                client.MaxResponseContentBufferSize = 1024 * 1024;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("VoiceAgent/1.0");
            })
            // The factory's own request logs print the whole URL (credentials, query tokens); WebhookClient logs it redacted.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect would re-post a signed event to a host nobody configured; the address rules
                // are checked on the address actually connected to, so a rebound name cannot reach metadata.
                AllowAutoRedirect = false,
                ConnectCallback = WebhookAddress.ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .AddStandardResilienceHandler(options =>
            {
                // Each attempt is bounded; failures retry with exponential back-off and jitter; the
                // whole delivery is bounded so a dead application costs a call seconds, not minutes.
                options.AttemptTimeout.Timeout = settings.AttemptTimeout;
                options.Retry.MaxRetryAttempts = Math.Max(1, settings.Retries);
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.ShouldHandle = settings.Retries == 0 ? _ => ValueTask.FromResult(false) : options.Retry.ShouldHandle;
                options.TotalRequestTimeout.Timeout = (settings.AttemptTimeout * (settings.Retries + 1)) + TimeSpan.FromSeconds(2 * (settings.Retries + 1));
                options.CircuitBreaker.SamplingDuration = settings.AttemptTimeout * 2 + TimeSpan.FromSeconds(1);
            })
            // One pipeline, so one circuit breaker, per application (scheme, host and port): a dead
            // application opens its own breaker and never stops the events of the others. The key is
            // built here rather than by SelectPipelineByAuthority, whose key (logged by Polly) keeps the URL's credentials.
            .SelectPipelineBy(_ => request => request.RequestUri is { } url ? $"{url.Scheme}://{url.Host}:{url.Port}" : string.Empty);
        return services;
    }
}
