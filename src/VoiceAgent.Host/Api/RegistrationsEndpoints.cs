using VoiceAgent.Host.Sip;

namespace VoiceAgent.Host.Api;

/// <summary><c>GET /v1/registrations</c>: each registering trunk account's state.</summary>
internal static class RegistrationsEndpoints
{
    public static void MapRegistrationsEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/v1/registrations", (RegistrationService service) => Results.Ok(
                service.Registrations.Select(r => new
                {
                    trunk = r.Trunk,
                    aor = $"sip:{r.Registration.Options.User}@{r.Registration.Options.Domain}",
                    registrar = r.Registration.Options.Registrar.ToString(),
                    r.Registration.State.State,
                    r.Registration.State.LastStatus,
                    r.Registration.State.ExpiresAt,
                    r.Registration.State.Error,
                })))
            .WithTags("Registrations")
            .WithSummary("Every trunk account that registers (Trunks:<name>:Register) and whether it is registered.");
}
