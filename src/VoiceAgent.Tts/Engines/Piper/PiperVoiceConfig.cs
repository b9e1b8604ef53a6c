using System.Text.Json;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>The fields of a Piper voice's <c>.onnx.json</c> that synthesis needs (MODEL_FORMATS.md 1.2).</summary>
internal sealed record PiperVoiceConfig(
    int SampleRate,
    string EspeakVoice,
    float NoiseScale,
    float LengthScale,
    float NoiseW,
    int NumSpeakers,
    IReadOnlyDictionary<string, long> SpeakerIds,
    PiperPhonemeIdMap PhonemeIds)
{
    /// <summary>The C++ player's defaults where a field is absent.</summary>
    private const int DefaultSampleRate = 22050;

    public static PiperVoiceConfig Read(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = document.RootElement;
            var phonemeType = String(root, "phoneme_type") ?? "espeak";
            if (phonemeType != "espeak")
            {
                throw new ModelPackException($"Piper voice config '{file}' has phoneme_type '{phonemeType}'; only espeak voices are supported.", file);
            }

            if (!root.TryGetProperty("phoneme_id_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new ModelPackException($"Piper voice config '{file}' has no phoneme_id_map.", file);
            }

            var speakers = new Dictionary<string, long>(StringComparer.Ordinal);
            if (root.TryGetProperty("speaker_id_map", out var speakerMap) && speakerMap.ValueKind == JsonValueKind.Object)
            {
                foreach (var speaker in speakerMap.EnumerateObject())
                {
                    speakers[speaker.Name] = speaker.Value.GetInt64();
                }
            }

            var inference = root.TryGetProperty("inference", out var i) ? i : default;
            return new PiperVoiceConfig(
                SampleRate: Int(root, "audio", "sample_rate") ?? DefaultSampleRate,
                EspeakVoice: String(root, "espeak", "voice") ?? "en-us",
                NoiseScale: Float(inference, "noise_scale") ?? 0.667f,
                LengthScale: Float(inference, "length_scale") ?? 1.0f,
                NoiseW: Float(inference, "noise_w") ?? 0.8f,
                NumSpeakers: Int(root, "num_speakers") ?? 1,
                SpeakerIds: speakers,
                PhonemeIds: PiperPhonemeIdMap.FromJson(map));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or IOException)
        {
            throw new ModelPackException($"Piper voice config '{file}' cannot be read: {ex.Message}", file, ex);
        }
    }

    private static string? String(JsonElement element, params string[] path) =>
        Walk(element, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? Int(JsonElement element, params string[] path) =>
        Walk(element, path) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    private static float? Float(JsonElement element, string name) =>
        Walk(element, [name]) is { ValueKind: JsonValueKind.Number } value ? value.GetSingle() : null;

    private static JsonElement? Walk(JsonElement element, string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }
}
