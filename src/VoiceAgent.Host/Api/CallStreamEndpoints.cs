using VoiceAgent.Host.Applications;
using VoiceAgent.Host.Applications.Streams;

namespace VoiceAgent.Host.Api;

/// <summary><c>GET /v1/calls/{id}/stream</c>: a WebSocket onto a live call's events, verbs and caller audio.</summary>
internal static class CallStreamEndpoints
{
    public static void MapCallStreamEndpoints(this IEndpointRouteBuilder app)
        => app.Map("/v1/calls/{id}/stream", async (HttpContext http, string id, string? audio, CallEventHubs hubs, ILogger<CallStreamSession> logger) =>
            {
                if (!http.WebSockets.IsWebSocketRequest)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket required", detail: "Open this URL with a WebSocket client.");
                }

                var rate = audio switch
                {
                    null or "none" => 0,
                    "8000" => 8000,
                    "16000" => 16000,
                    _ => -1,
                };
                if (rate < 0)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["audio"] = ["must be none, 8000 or 16000"] });
                }

                if (hubs.Find(id) is not { } hub)
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No application call", detail: $"No live call '{id}' driven by an application (Inbound:WebhookUrl).");
                }

                using var socket = await http.WebSockets.AcceptWebSocketAsync();
                await new CallStreamSession(socket, hub, rate, logger).RunAsync(http.RequestAborted);
                return Results.Empty;
            })
            .WithTags("Calls")
            .WithSummary("WebSocket: the call's events as JSON, the caller's audio as binary PCM16 (?audio=8000|16000), verbs and streamed say.text from the client.");
}
