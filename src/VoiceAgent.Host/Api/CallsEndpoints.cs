using System.Globalization;
using System.Text;
using VoiceAgent.Host.Applications.Verbs;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Api;

/// <summary>
/// <c>/v1/calls</c>: every call this host has handled (kept in the call record store), with each
/// utterance's latency timeline. Live calls are read from memory so their counters are current.
/// </summary>
internal static class CallsEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;
    private static readonly string[] Directions = ["inbound", "outbound"];

    public static void MapCallsEndpoints(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/v1/calls").WithTags("Calls");
        calls.MapGet("/", ListAsync)
            .WithSummary("Lists calls, oldest first within the page; filters: since, until (ISO 8601), direction, outcome, number; paging: limit (1-1000, default 100), offset (from the newest). X-Total-Count gives the number of matches.");
        calls.MapGet("/{id}", GetAsync).WithSummary("One call with its events, utterances and timelines.");
        calls.MapPost("/", PlaceCallAsync)
            .WithSummary("Places a notification call: to (sip: URI, or a phone number through a trunk), trunk (a configured Trunks:<name>; default Outbound:DefaultTrunk for phone numbers), from, text or verbs, voice, ringTimeoutSeconds (1-300, default 30), webhookUrl (events and outcome), retries (0-10) and retryDelaySeconds (default 60) after busy/no-answer/failed. 201 with the call id.")
            .Accepts<OutboundCallRequest>("application/json");
        calls.MapDelete("/{id}", HangupAsync).WithSummary("Cancels a ringing call or hangs up an answered one (202); 404 when the call is not up.");
    }

    private static async Task<IResult> PlaceCallAsync(HttpContext http, OutboundCallRequest? request, OutboundCallService outbound, VoiceDirectory voices, VoiceAgent.Host.Configuration.VoiceAgentSettings settings, DestinationPolicy destinations, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON object is required"] });
        }

        // The default trunk is the outbound proxy for every call that names none (its credentials answer challenges).
        var trunk = request.Trunk is null ? settings.Outbound.DefaultTrunk : null;
        if (request.Trunk is { } trunkName && !settings.Outbound.Trunks.TryGetValue(trunkName, out trunk))
        {
            errors["trunk"] = [settings.Outbound.Trunks.Count == 0 ? "no trunk is configured (Trunks:<name>:Proxy)" : $"'{trunkName}' is not a configured trunk ({string.Join(", ", settings.Outbound.Trunks.Keys)})"];
        }

        string? target = null;
        DestinationVerdict? verdict = null;
        var to = request.To?.Trim();
        if (string.IsNullOrEmpty(to))
        {
            errors["to"] = ["is required (a sip: URI or a phone number)"];
        }
        else if (to.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            errors["to"] = ["sips: (TLS) is not supported yet; use sip:"];
        }
        else if (to.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            if (!SipTarget.TryParse(to, out var sipTarget, out var uriError))
            {
                errors["to"] = [uriError];
            }
            else if (!errors.ContainsKey("trunk"))
            {
                target = sipTarget!.Uri;
                verdict = await destinations.CheckUriAsync(sipTarget, trunk, cancellationToken);
            }
        }
        else if (OutboundCallRules.IsPhoneNumber(to))
        {
            if (trunk is not null)
            {
                target = trunk.UriFor(to);
                verdict = destinations.CheckNumber(to, trunk);
            }
            else if (request.Trunk is null)
            {
                errors["to"] = ["a phone number needs a trunk: configure Trunks:<name>:Proxy (and Outbound:DefaultTrunk when there are several) or name one in \"trunk\""];
            }
        }
        else
        {
            errors["to"] = ["is neither a sip: URI nor a phone number"];
        }

        if (verdict is { Kind: DestinationVerdictKind.Invalid })
        {
            errors["to"] = [verdict.Reason];
        }

        if (request.From is { } from && !OutboundCallRules.IsValidUser(from))
        {
            errors["from"] = ["must be a SIP user part (letters, digits, + . _ -), at most 64 characters"];
        }

        IReadOnlyList<CallVerb> verbs = [];
        if (request.Verbs is { } verbsJson)
        {
            if (request.Text is not null)
            {
                errors["text"] = ["give text or verbs, not both"];
            }

            var parsed = CallVerbParser.Parse(verbsJson.GetRawText());
            if (parsed.Errors.Count > 0)
            {
                errors["verbs"] = [.. parsed.Errors];
            }
            else if (parsed.Verbs.Count == 0)
            {
                errors["verbs"] = ["must hold at least one verb"];
            }

            verbs = parsed.Verbs;
        }
        else if (string.IsNullOrWhiteSpace(request.Text))
        {
            errors["text"] = ["is required (or verbs)"];
        }
        else if (request.Text.Length > 4096)
        {
            errors["text"] = ["must be at most 4096 characters"];
        }
        else
        {
            verbs = [new SayVerb(request.Text, null, false), new HangupVerb()];
        }

        Uri? webhook = null;
        if (request.WebhookUrl is { } webhookText)
        {
            if (!Uri.TryCreate(webhookText, UriKind.Absolute, out webhook))
            {
                errors["webhookUrl"] = ["must be an absolute http or https URL"];
            }
            else if (Applications.Webhooks.WebhookAddress.Check(webhook) is { } problem)
            {
                errors["webhookUrl"] = [problem];
            }
        }

        if (request.WebhookUrl is not null && settings.Application.WebhookSecret.Length < 16)
        {
            errors["webhookUrl"] = ["needs Inbound:WebhookSecret (16+ characters) configured: every webhook request is signed"];
        }

        if (request.Retries is { } retries && retries is < 0 or > 10)
        {
            errors["retries"] = ["must be from 0 to 10"];
        }

        if (request.RetryDelaySeconds is { } delay && (delay < 1 || delay > 3600 || double.IsNaN(delay)))
        {
            errors["retryDelaySeconds"] = ["must be from 1 to 3600"];
        }

        if (request.RingTimeoutSeconds is { } ring && (ring < 1 || ring > 300 || double.IsNaN(ring)))
        {
            errors["ringTimeoutSeconds"] = ["must be from 1 to 300"];
        }

        VoiceAgent.Tts.VoiceProfile? voice = null;
        try
        {
            voice = voices.Create(request.Voice);
        }
        catch (ArgumentException ex)
        {
            errors["voice"] = [ex.Message];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid call request");
        }

        if (verdict is { Kind: DestinationVerdictKind.NotAllowed })
        {
            return Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Destination not allowed",
                detail: verdict.Reason,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["to"] = [verdict.Reason] } });
        }

        try
        {
            var record = outbound.Start(new OutboundCallPlan(
                target!,
                request.From ?? trunk?.CallerId ?? settings.Outbound.FromUser,
                trunk,
                verbs,
                voice!,
                TimeSpan.FromSeconds(request.RingTimeoutSeconds ?? 30),
                webhook,
                request.Retries ?? 0,
                TimeSpan.FromSeconds(request.RetryDelaySeconds ?? 60)));
            return Results.Created($"/v1/calls/{record.Id}", new { id = record.Id });
        }
        catch (ArgumentException ex)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["to"] = [ex.Message] }, title: "Invalid call request");
        }
        catch (OutboundCallRefusedException ex)
        {
            http.Response.Headers.RetryAfter = "5";
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Call not placed", detail: ex.Message, extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = 5 });
        }
    }

    private static async Task<IResult> HangupAsync(string id, LiveCalls live, CancellationToken cancellationToken)
        => await live.HangupAsync(id, cancellationToken)
            ? Results.Accepted($"/v1/calls/{id}")
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not up", detail: $"No live call with id '{id}'.");

    private static async Task<IResult> ListAsync(HttpContext http, CallRegistry registry, CallRecordStore store, string? since, string? until, string? direction, string? outcome, string? number, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = new CallQuery(
            ParseTime("since", since, errors),
            ParseTime("until", until, errors),
            direction is null || Directions.Contains(direction) ? direction : Invalid("direction", "must be inbound or outbound", errors),
            string.IsNullOrWhiteSpace(outcome) ? null : outcome,
            string.IsNullOrWhiteSpace(number) ? null : number,
            ParseInt("limit", limit, DefaultLimit, 1, MaxLimit, errors),
            ParseInt("offset", offset, 0, 0, int.MaxValue, errors));
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid call query");
        }

        var (page, total) = await store.QueryAsync(query, cancellationToken);
        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        var json = new StringBuilder("[");
        foreach (var (id, stored) in page)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(registry.Find(id) is { } live ? CallRecordStore.Serialize(live.ToView()) : stored);
        }

        return Results.Text(json.Append(']').ToString(), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> GetAsync(string id, CallRegistry registry, CallRecordStore store, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is { } live)
        {
            return Results.Text(CallRecordStore.Serialize(live.ToView()), "application/json", Encoding.UTF8);
        }

        return await store.FindAsync(id, cancellationToken) is { } stored
            ? Results.Text(stored, "application/json", Encoding.UTF8)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: $"No call with id '{id}'.");
    }

    private static DateTimeOffset? ParseTime(string field, string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"'{value}' is not an ISO 8601 time (e.g. 2026-11-28T09:00:00Z)"];
        return null;
    }

    private static int ParseInt(string field, string? value, int defaultValue, int min, int max, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return defaultValue;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        errors[field] = [string.Create(CultureInfo.InvariantCulture, $"must be an integer from {min} to {max}")];
        return defaultValue;
    }

    private static string? Invalid(string field, string message, Dictionary<string, string[]> errors)
    {
        errors[field] = [message];
        return null;
    }
}
