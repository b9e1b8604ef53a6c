using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Host.Applications.Webhooks;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A real HTTP application on loopback, the way a customer's bot would be: it receives VoiceAgent's
/// webhook events, checks each signature, records them in order, and answers with the verbs its
/// <c>reply</c> function returns (a JSON array as text).
/// </summary>
internal sealed class TestApplicationServer : IAsyncDisposable
{
    public const string Secret = "test-secret-0123456789abcdef";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _events = new();
    private readonly WebhookSigner _signer = new(Encoding.UTF8.GetBytes(Secret));
    private int _badSignatures;

    private TestApplicationServer(Func<JsonObject, string> reply)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/app", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            if (!_signer.Verify(request.Headers[WebhookSigner.HeaderName].ToString(), bytes, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))
            {
                Interlocked.Increment(ref _badSignatures);
                return Results.Unauthorized();
            }

            var evt = JsonNode.Parse(bytes)!.AsObject();
            _events.Enqueue(evt);
            return Results.Text(reply(evt), "application/json");
        });
    }

    public Uri Url => new(_app.Urls.First() + "/app");

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public IReadOnlyList<JsonObject> Events => [.. _events];

    /// <summary>Event names in arrival order, without the caller-speech events (their number depends on the caller's audio).</summary>
    public IReadOnlyList<string> CallFlow => [.. Events.Select(e => (string)e["event"]!).Where(n => !n.StartsWith("speech.", StringComparison.Ordinal))];

    public static async Task<TestApplicationServer> StartAsync(Func<JsonObject, string> reply)
    {
        var server = new TestApplicationServer(reply);
        await server._app.StartAsync();
        return server;
    }

    public async Task<JsonObject> WaitForEventAsync(string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Events.FirstOrDefault(e => (string?)e["event"] == name) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No '{name}' event; got: {string.Join(", ", Events.Select(e => e["event"]))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
