using System.Text.Json;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Reads and checks a pack's manifest.json: known engine, at least one voice, unique ids, every named file present.</summary>
internal static class ModelManifestReader
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <param name="modelPath">The pack directory, or its manifest.json.</param>
    public static ModelManifest Read(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var full = Path.GetFullPath(modelPath);
        var file = Directory.Exists(full) ? Path.Combine(full, FileName) : full;
        if (!File.Exists(file))
        {
            throw new ModelPackException($"Model pack manifest '{file}' does not exist.", file);
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(file), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ModelPackException($"Model pack manifest '{file}' is not valid JSON: {ex.Message}", file, ex);
        }

        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Engine))
        {
            throw new ModelPackException($"Model pack manifest '{file}' does not name its engine (\"engine\": \"piper\", \"kokoro\" or \"arcodec\").", file);
        }

        if (manifest.Voices is null || manifest.Voices.Count == 0)
        {
            throw new ModelPackException($"Model pack manifest '{file}' lists no voices.", file);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var voice in manifest.Voices)
        {
            if (string.IsNullOrWhiteSpace(voice?.Id) || !ids.Add(voice.Id) || voice.Id.Contains(',', StringComparison.Ordinal) || voice.Id.Contains(':', StringComparison.Ordinal))
            {
                throw new ModelPackException(
                    $"Model pack manifest '{file}' has a voice with a missing, duplicate or invalid id '{voice?.Id}' (ids may not contain ',' or ':').", file);
            }
        }

        return manifest with { Directory = Path.GetDirectoryName(file)!, FilePath = file };
    }

    /// <summary>Absolute path of a file the manifest names, which must exist.</summary>
    public static string RequireFile(ModelManifest manifest, string? relativePath, string what)
    {
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            throw new ModelPackException($"Model pack manifest '{manifest.FilePath}' does not name the {what}.", manifest.FilePath);
        }

        var path = manifest.Resolve(relativePath);
        if (!File.Exists(path))
        {
            throw new ModelPackException($"The {what} '{path}' named in '{manifest.FilePath}' does not exist.", path);
        }

        return path;
    }
}
