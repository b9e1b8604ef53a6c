using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Api;

/// <summary>
/// With Api:Key set, every request but the health and metrics probes needs
/// <c>Authorization: Bearer &lt;key&gt;</c>; others get a 401 problem details response. The key is
/// compared in constant time and never logged.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiSettings settings)
{
    private static readonly PathString[] OpenPaths = ["/healthz", "/readyz", "/metrics"];
    private readonly byte[]? _key = settings.Key is { } key ? Encoding.UTF8.GetBytes(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_key is null || OpenPaths.Any(p => context.Request.Path.StartsWithSegments(p)) || IsAuthorized(context.Request))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "API key required",
                detail: "Send the key configured in Api:Key as 'Authorization: Bearer <key>'.")
            .ExecuteAsync(context);
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _key);
    }
}
