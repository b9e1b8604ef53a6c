namespace VoiceAgent.Host.Api;

/// <summary><c>/healthz</c> and <c>/readyz</c>: 200 once SIP listens and the TTS engine is warmed up, else 503.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Report);
        app.MapGet("/readyz", Report);
    }

    private static IResult Report(ReadinessState readiness)
    {
        var body = new { status = readiness.IsReady ? "ready" : "starting", sip = readiness.SipReady, tts = readiness.TtsReady };
        return readiness.IsReady ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
