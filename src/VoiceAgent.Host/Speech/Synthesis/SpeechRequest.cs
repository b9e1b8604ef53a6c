using System.Text.Json.Serialization;

namespace VoiceAgent.Host.Speech.Synthesis;

/// <summary>The body of <c>POST /v1/audio/speech</c>, shaped like OpenAI's speech API, plus <c>seed</c>.</summary>
internal sealed record SpeechRequest(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("voice")] string? Voice,
    [property: JsonPropertyName("response_format")] string? ResponseFormat,
    [property: JsonPropertyName("speed")] float? Speed,
    [property: JsonPropertyName("seed")] long? Seed,
    [property: JsonPropertyName("stream")] bool? Stream);
