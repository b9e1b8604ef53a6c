using VoiceAgent.Host.Speech;

namespace VoiceAgent.Host.Api;

/// <summary><c>GET /v1/voices</c>: every voice of the loaded engine (id, engine, language, sample rate).</summary>
internal static class VoicesEndpoints
{
    public static void MapVoicesEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/v1/voices", (VoiceDirectory voices) => Results.Ok(voices.Voices))
            .WithTags("Voices")
            .WithSummary("The voices a call, a say verb or Tts:Voice may name; the default voice comes first.");
}
