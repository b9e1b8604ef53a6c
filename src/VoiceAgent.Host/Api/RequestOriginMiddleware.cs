using System.Diagnostics.Metrics;
using System.Net;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Api;

/// <summary>
/// Refuses requests a web page could make on a user's behalf. DNS rebinding: a page of
/// attacker.example whose name now resolves to 127.0.0.1 sends <c>Host: attacker.example</c>, so only
/// IP literals, <c>localhost</c> and Api:AllowedHosts are answered (421 otherwise). Cross-site requests
/// and WebSocket upgrades (browsers do not apply CORS to WebSockets): an <c>Origin</c> must be this
/// request's own origin or an allowed host (403 otherwise). Programs that send no Origin are unaffected.
/// </summary>
internal sealed class RequestOriginMiddleware(RequestDelegate next, ApiSettings settings, ILogger<RequestOriginMiddleware> logger)
{
    private static readonly Counter<long> Refused = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.api.requests.refused", "{request}", "HTTP requests refused for a foreign Host or Origin header");

    public async Task InvokeAsync(HttpContext context)
    {
        // No Host at all (HTTP/1.0 probes) cannot come from a browser, so it cannot be a rebound name.
        var host = context.Request.Host;
        if (host.HasValue && !IsAllowedHost(host.Host))
        {
            Refused.Add(1, new KeyValuePair<string, object?>("reason", "host"));
            ApiLog.ForeignHost(logger, Printable(host.Value ?? string.Empty));
            await Results.Problem(
                    statusCode: StatusCodes.Status421MisdirectedRequest,
                    title: "Unknown host",
                    detail: "This API answers to IP addresses, localhost and the names in Api:AllowedHosts.")
                .ExecuteAsync(context);
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(origin, context.Request))
        {
            Refused.Add(1, new KeyValuePair<string, object?>("reason", "origin"));
            ApiLog.ForeignOrigin(logger, Printable(origin), context.WebSockets.IsWebSocketRequest);
            await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Cross-origin request refused",
                    detail: "Requests from web pages must come from this API's own origin or a host in Api:AllowedHosts.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>An IP literal cannot be a rebound name; localhost resolves to loopback by RFC 6761 §6.3.</summary>
    private bool IsAllowedHost(string host)
    {
        var bare = host.TrimEnd('.').ToLowerInvariant();
        if (bare.Length == 0)
        {
            return false;
        }

        if (bare == "localhost" || bare.EndsWith(".localhost", StringComparison.Ordinal)
            || (bare.StartsWith('[') && bare.EndsWith(']') && IPAddress.TryParse(bare[1..^1], out _))
            || (IsDottedQuad(bare) && IPAddress.TryParse(bare, out _)))
        {
            return true;
        }

        foreach (var allowed in settings.AllowedHosts)
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal) ? bare.EndsWith(allowed[1..], StringComparison.Ordinal) : bare == allowed)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAllowedOrigin(string origin, HttpRequest request)
    {
        // RFC 6454 §7: the serialised origin is scheme "://" host [":" port]; "null" (sandboxed pages, files) is never ours.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var sameOrigin = string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
        if (sameOrigin)
        {
            return true;
        }

        var originHost = uri.Host.ToLowerInvariant();
        foreach (var allowed in settings.AllowedHosts)
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal) ? originHost.EndsWith(allowed[1..], StringComparison.Ordinal) : originHost == allowed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Four decimal parts only: inet_aton's short, octal and hex forms (127.1, 0x7f.1) are names here.</summary>
    private static bool IsDottedQuad(string host)
        => host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0'));

    private static string Printable(string value)
        => new([.. value.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}
