using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgent.Host.Applications.Verbs;

namespace VoiceAgent.Host.Applications.Webhooks;

/// <summary>
/// POSTs call events to an application and reads its verbs. The named HTTP client carries the
/// resilience pipeline (attempt timeout, retries with back-off, total timeout: see
/// <see cref="ApplicationServiceCollectionExtensions"/>), so one slow or failing request does not
/// hold a call forever. Each event has an <c>eventId</c>, so a retried delivery can be recognised.
/// </summary>
internal sealed class WebhookClient(IHttpClientFactory httpClients, WebhookSigner signer, TimeProvider time, ILogger<WebhookClient> logger)
{
    public const string HttpClientName = "webhooks";

    public async Task<WebhookReply> SendAsync(Uri url, JsonObject evt, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(evt.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(WebhookSigner.HeaderName, signer.Sign(time.GetUtcNow().ToUnixTimeSeconds(), body));
        var name = (string?)evt["event"] ?? "?";
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                // Redirects are not followed (the signed event would go to a host nobody configured): a failed delivery.
                ApplicationLog.WebhookRedirectRefused(logger, name, WebhookAddress.Redact(url), (int)response.StatusCode);
                return WebhookReply.Failed($"HTTP {(int)response.StatusCode}: redirects are not followed");
            }

            if (!response.IsSuccessStatusCode)
            {
                ApplicationLog.WebhookRejected(logger, name, WebhookAddress.Redact(url), (int)response.StatusCode);
                return WebhookReply.Failed($"HTTP {(int)response.StatusCode}");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var parsed = CallVerbParser.Parse(text);
            foreach (var error in parsed.Errors)
            {
                ApplicationLog.VerbError(logger, name, error);
            }

            return new WebhookReply(true, parsed.Verbs, parsed.Errors, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                   && !cancellationToken.IsCancellationRequested)
        {
            ApplicationLog.WebhookFailed(logger, name, WebhookAddress.Redact(url), ex.Message);
            return WebhookReply.Failed(ex.Message);
        }
    }
}
