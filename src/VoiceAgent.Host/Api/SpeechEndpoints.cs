using System.Globalization;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Speech;
using VoiceAgent.Host.Speech.Synthesis;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Api;

/// <summary>
/// <c>POST /v1/audio/speech</c>, compatible with OpenAI's speech API: text in, audio out (wav, pcm,
/// mulaw, Ogg Opus), whole or streamed as it is synthesized (<c>"stream": true</c>). Bad requests
/// get RFC 7807 problem details naming the field.
/// </summary>
internal static class SpeechEndpoints
{
    private const int MaxInputLength = 4096;
    private const int RetryAfterSeconds = 1;

    // OpenAI's model names map to the loaded engine, so existing clients work unchanged.
    private static readonly string[] OpenAiModels = ["tts-1", "tts-1-hd", "gpt-4o-mini-tts"];

    public static void MapSpeechEndpoints(this IEndpointRouteBuilder app)
        => app.MapPost("/v1/audio/speech", SpeakAsync)
            .WithTags("Speech")
            .WithSummary("Synthesizes text: model (engine name), input, voice, response_format (wav, pcm, mulaw, opus), speed, seed, stream.")
            .Accepts<SpeechRequest>("application/json");

    private static async Task<IResult> SpeakAsync(HttpContext http, SpeechRequest? request, VoiceDirectory voices, SpeechSynthesizer synthesizer, SpeechAdmission admission, ApiSettings api, ILogger<SpeechSynthesizer> logger, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON object is required"] });
        }

        var errors = Validate(request, voices, out var voice, out var formatName);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid speech request");
        }

        if (!admission.TryEnter())
        {
            ApiLog.SpeechRefused(logger, admission.Limit);
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many speech requests",
                detail: $"{admission.Limit} speech requests are being synthesized (Api:MaxConcurrentSpeech); retry after {RetryAfterSeconds} s.",
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = RetryAfterSeconds });
        }

        try
        {
            return await SynthesizeAsync(http, request, voice!, formatName, voices, synthesizer, api, logger, cancellationToken);
        }
        finally
        {
            admission.Leave();
        }
    }

    private static async Task<IResult> SynthesizeAsync(HttpContext http, SpeechRequest request, VoiceProfile voice, string formatName, VoiceDirectory voices, SpeechSynthesizer synthesizer, ApiSettings api, ILogger logger, CancellationToken cancellationToken)
    {
        if (request.Stream == true)
        {
            // Headers go out with the first audio; an error after that can only end the stream.
            await using var streamed = SpeechAudioFormat.Create(formatName, http.Response.Body);
            http.Response.ContentType = streamed.ContentType;
            SetRateHeader(http, streamed, voices, voice.Voice);
            await synthesizer.SynthesizeAsync(request.Input!, voice, streamed, cancellationToken);
            return Results.Empty;
        }

        // Held whole until the end (the WAV header needs the length): bounded by Api:MaxSpeechBytes.
        using var buffer = new BoundedMemoryStream(api.MaxSpeechBytes);
        await using var format = SpeechAudioFormat.Create(formatName, buffer);
        try
        {
            await synthesizer.SynthesizeAsync(request.Input!, voice, format, cancellationToken);
        }
        catch (SpeechOutputTooLargeException ex)
        {
            ApiLog.SpeechTooLarge(logger, ex.Message);
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Audio too large", detail: ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            ApiLog.SynthesisFailed(logger, ex);
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Synthesis failed", detail: ex.Message);
        }

        SetRateHeader(http, format, voices, voice.Voice);
        return Results.Bytes(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), format.ContentType);
    }

    private static void SetRateHeader(HttpContext http, SpeechAudioFormat format, VoiceDirectory voices, string voice)
        => http.Response.Headers["X-Sample-Rate"] = (format.SampleRate == 0 ? voices.SampleRateOf(voice) : format.SampleRate).ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string[]> Validate(SpeechRequest request, VoiceDirectory voices, out VoiceProfile? voice, out string format)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        voice = null;
        format = (request.ResponseFormat ?? "wav").ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(request.Input))
        {
            errors["input"] = ["is required"];
        }
        else if (request.Input.Length > MaxInputLength)
        {
            errors["input"] = [$"must be at most {MaxInputLength} characters"];
        }

        var voiceName = request.Voice;
        if (request.Model is { } model && !OpenAiModels.Contains(model))
        {
            if (!voices.ModelNames.Contains(model, StringComparer.OrdinalIgnoreCase))
            {
                errors["model"] = [$"'{model}' is not loaded; this host runs {string.Join(", ", voices.ModelNames)}"];
            }
            else if (!string.Equals(model, voices.EngineName, StringComparison.OrdinalIgnoreCase) && voiceName is not null && !voiceName.Contains('/', StringComparison.Ordinal))
            {
                voiceName = $"{model}/{voiceName}"; // a voice of an extra pack
            }
        }

        if (!SpeechAudioFormat.Names.Contains(format))
        {
            errors["response_format"] = [$"'{request.ResponseFormat}' is not supported; use one of {string.Join(", ", SpeechAudioFormat.Names)}"];
        }

        if (request.Speed is { } speed && (speed < 0.25f || speed > 4f || float.IsNaN(speed)))
        {
            errors["speed"] = ["must be from 0.25 to 4"];
        }

        if (request.Seed is < 0)
        {
            errors["seed"] = ["must not be negative"];
        }

        if (errors.Count == 0)
        {
            try
            {
                voice = voices.Create(voiceName, request.Speed, request.Seed);
            }
            catch (ArgumentException ex)
            {
                errors["voice"] = [ex.Message];
            }
        }

        return errors;
    }
}
