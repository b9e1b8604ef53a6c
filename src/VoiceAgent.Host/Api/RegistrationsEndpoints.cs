using VoiceAgent.Host.Telephony;

namespace VoiceAgent.Host.Api;

/// <summary><c>GET /v1/registrations</c>: the trunk account's registration state.</summary>
internal static class RegistrationsEndpoints
{
    public static void MapRegistrationsEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/v1/registrations", (RegistrationService service) => Results.Ok(
                service.Registration is { } registration
                    ? new[]
                    {
                        new
                        {
                            aor = $"sip:{registration.Options.User}@{registration.Options.Domain}",
                            registrar = registration.Options.Registrar.ToString(),
                            registration.State.State,
                            registration.State.LastStatus,
                            registration.State.ExpiresAt,
                            registration.State.Error,
                        },
                    }
                    : []))
            .WithTags("Registrations")
            .WithSummary("The configured trunk account (Outbound:Register) and whether it is registered.");
}
