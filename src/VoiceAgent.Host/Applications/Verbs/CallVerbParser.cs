using System.Globalization;
using System.Text.Json;

namespace VoiceAgent.Host.Applications.Verbs;

/// <summary>
/// Reads an application's reply, a JSON array of verb objects, into <see cref="CallVerb"/>s. A verb
/// it cannot run (unknown name, missing or wrong field) is left out and reported; an unknown field
/// is reported and ignored, so one typo does not silence a call.
/// </summary>
internal static class CallVerbParser
{
    private const double MaxPauseSeconds = 600;
    private const double MaxGatherTimeoutSeconds = 120;

    public static CallVerbParseResult Parse(string json)
    {
        var verbs = new List<CallVerb>();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return new CallVerbParseResult(verbs, errors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            errors.Add($"The reply is not valid JSON: {ex.Message}");
            return new CallVerbParseResult(verbs, errors);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"The reply must be a JSON array of verbs; got {document.RootElement.ValueKind}.");
                return new CallVerbParseResult(verbs, errors);
            }

            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var context = new VerbContext($"verbs[{index++}]", element, errors);
                if (ParseVerb(context) is { } verb)
                {
                    verbs.Add(verb);
                }
            }
        }

        return new CallVerbParseResult(verbs, errors);
    }

    private static CallVerb? ParseVerb(VerbContext context)
    {
        if (context.Element.ValueKind != JsonValueKind.Object)
        {
            context.Error("must be an object with a \"verb\" field");
            return null;
        }

        var name = context.RequiredString("verb");
        return name switch
        {
            null => null,
            "say" => ParseSay(context, defaultBargeIn: false),
            "play" => context.Check(["file", "bargeIn"], () => context.RequiredString("file") is { } file ? new PlayVerb(file, context.OptionalBool("bargeIn") ?? false) : null),
            "gather" => ParseGather(context),
            "pause" => context.Check(["seconds"], () => context.RequiredNumber("seconds", 0, MaxPauseSeconds) is { } s ? new PauseVerb(TimeSpan.FromSeconds(s)) : null),
            "hangup" => context.Check([], () => new HangupVerb()),
            "transfer" => context.Check(["to"], () => context.RequiredString("to") is { } to ? TransferTarget(context, to) : null),
            "redirect" => context.Check(["url"], () => context.RequiredUrl("url") is { } url ? new RedirectVerb(url) : null),
            "sendDigits" => context.Check(["digits"], () => context.RequiredString("digits") is { } digits
                ? digits.Length <= 64 && digits.All(c => "0123456789*#ABCDabcd".Contains(c, StringComparison.Ordinal)) ? new SendDigitsVerb(digits) : context.Error<SendDigitsVerb>("'digits' must be up to 64 keys of 0-9, *, #, A-D")
                : null),
            _ => context.Error($"unknown verb '{name}' (known: say, play, gather, pause, hangup, transfer, redirect, sendDigits)"),
        };
    }

    /// <summary>The REFER's target (RFC 3515 Refer-To): the same strict sip: URI and address rule as an outbound call's.</summary>
    private static TransferVerb? TransferTarget(VerbContext context, string to)
    {
        if (!Calls.SipTarget.TryParse(to, out var target, out var error))
        {
            return context.Error<TransferVerb>($"'to' {error}");
        }

        return target!.Address is { } address && Calls.DestinationAddress.Classify(address) == Calls.AddressKind.Forbidden
            ? context.Error<TransferVerb>($"'to' {target.Host} is an unspecified, multicast, link-local or metadata address")
            : new TransferVerb(target.Uri);
    }

    private static SayVerb? ParseSay(VerbContext context, bool defaultBargeIn)
        => context.Check(["text", "voice", "bargeIn"], () => context.RequiredString("text") is { } text
            ? new SayVerb(text, context.OptionalString("voice"), context.OptionalBool("bargeIn") ?? defaultBargeIn)
            : null);

    private static GatherVerb? ParseGather(VerbContext context) => context.Check<GatherVerb>(["numDigits", "finishOnKey", "timeoutSeconds", "say"], () =>
    {
        var numDigits = context.OptionalNumber("numDigits", 1, 64);
        char? finishOnKey = null;
        if (context.OptionalString("finishOnKey") is { } key)
        {
            if (key.Length != 1 || !"0123456789*#ABCD".Contains(key, StringComparison.Ordinal))
            {
                return context.Error<GatherVerb>("finishOnKey must be one DTMF key (0-9, *, #, A-D)");
            }

            finishOnKey = key[0];
        }

        var timeout = context.OptionalNumber("timeoutSeconds", 0.1, MaxGatherTimeoutSeconds) ?? 5;
        SayVerb? prompt = null;
        if (context.Element.TryGetProperty("say", out var say))
        {
            // A prompt is interruptible by default: the first key press ends it.
            prompt = ParseSay(context.Nested("say", say), defaultBargeIn: true);
            if (prompt is null)
            {
                return null;
            }
        }

        return new GatherVerb(numDigits is { } n ? (int)n : null, finishOnKey, TimeSpan.FromSeconds(timeout), prompt);
    });

    /// <summary>The verb being read, where it is, and the list its problems go to.</summary>
    private sealed class VerbContext(string path, JsonElement element, List<string> errors)
    {
        public JsonElement Element { get; } = element;

        public VerbContext Nested(string field, JsonElement nested) => new($"{path}.{field}", nested, errors);

        /// <summary>Reports fields the verb does not know, then builds it.</summary>
        public T? Check<T>(string[] known, Func<T?> build)
            where T : class
        {
            if (Element.ValueKind != JsonValueKind.Object)
            {
                return Error<T>("must be an object");
            }

            foreach (var property in Element.EnumerateObject())
            {
                if (property.Name != "verb" && !known.Contains(property.Name, StringComparer.Ordinal))
                {
                    errors.Add($"{path}: unknown field '{property.Name}' ignored");
                }
            }

            return build();
        }

        public T? Error<T>(string message)
            where T : class
        {
            errors.Add($"{path}: {message}");
            return null;
        }

        public CallVerb? Error(string message) => Error<CallVerb>(message);

        public string? RequiredString(string field)
        {
            if (!Element.TryGetProperty(field, out var value))
            {
                return Error<string>($"'{field}' is required");
            }

            return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()
                : Error<string>($"'{field}' must be a non-empty string");
        }

        public string? OptionalString(string field)
            => Element.TryGetProperty(field, out _) ? RequiredString(field) : null;

        public bool? OptionalBool(string field)
        {
            if (!Element.TryGetProperty(field, out var value))
            {
                return null;
            }

            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            errors.Add($"{path}: '{field}' must be true or false; ignored");
            return null;
        }

        public double? RequiredNumber(string field, double min, double max)
        {
            if (!Element.TryGetProperty(field, out _))
            {
                errors.Add($"{path}: '{field}' is required");
                return null;
            }

            return OptionalNumber(field, min, max);
        }

        public double? OptionalNumber(string field, double min, double max)
        {
            if (!Element.TryGetProperty(field, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= min && number <= max)
            {
                return number;
            }

            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: '{field}' must be a number from {min} to {max}"));
            return null;
        }

        public Uri? RequiredUrl(string field)
        {
            if (RequiredString(field) is not { } text)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                return Error<Uri>($"'{field}' must be an absolute http or https URL");
            }

            // The same address rules as webhookUrl: never link-local (metadata), multicast or unspecified.
            return Webhooks.WebhookAddress.Check(url) is { } problem ? Error<Uri>($"'{field}' {problem}") : url;
        }
    }
}

/// <summary>The verbs that can run, in order, and what was wrong with the rest.</summary>
internal sealed record CallVerbParseResult(IReadOnlyList<CallVerb> Verbs, IReadOnlyList<string> Errors);
