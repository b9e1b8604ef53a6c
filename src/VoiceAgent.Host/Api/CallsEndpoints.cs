using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Api;

/// <summary><c>/v1/calls</c>: the calls this host knows, with each utterance's latency timeline.</summary>
internal static class CallsEndpoints
{
    public static void MapCallsEndpoints(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/v1/calls");
        calls.MapGet("/", (CallRegistry registry) => Results.Ok(registry.List()));
        calls.MapGet("/{id}", (string id, CallRegistry registry) =>
            registry.Find(id) is { } call
                ? Results.Ok(call.ToView())
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: $"No call with id '{id}'."));
    }
}
