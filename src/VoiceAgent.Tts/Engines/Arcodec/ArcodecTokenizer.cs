using System.Text.Json;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// A character vocabulary from the pack (vocab.json: {"a": 5, ...}). Characters it does not know are skipped. A real
/// LM's BPE tokenizer (Llama-3 for Orpheus, Qwen for Spark) does not fit here; see docs/neural-engines.md.
/// Immutable, thread-safe.
/// </summary>
internal sealed class ArcodecTokenizer
{
    private readonly Dictionary<string, long> _ids;
    private readonly bool _lowercase;

    private ArcodecTokenizer(Dictionary<string, long> ids, bool lowercase)
    {
        _ids = ids;
        _lowercase = lowercase;
    }

    public static ArcodecTokenizer Load(ModelManifest manifest)
    {
        var settings = manifest.Tokenizer
            ?? throw new ModelPackException($"Model pack manifest '{manifest.FilePath}' has no \"tokenizer\" section (vocab).", manifest.FilePath);
        var file = ModelManifestReader.RequireFile(manifest, settings.Vocab, "arcodec tokenizer vocab");
        Dictionary<string, long>? ids;
        try
        {
            ids = JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(file));
        }
        catch (JsonException ex)
        {
            throw new ModelPackException($"Tokenizer vocab '{file}' is not a JSON object of character to id: {ex.Message}", file, ex);
        }

        if (ids is null || ids.Count == 0 || ids.Keys.Any(k => k.EnumerateRunes().Count() != 1) || ids.Values.Any(v => v < 0))
        {
            throw new ModelPackException($"Tokenizer vocab '{file}' must map single characters to non-negative ids.", file);
        }

        return new ArcodecTokenizer(new Dictionary<string, long>(ids, StringComparer.Ordinal), settings.Lowercase);
    }

    public long MaxId => _ids.Values.Max();

    /// <summary>Appends the ids of <paramref name="text"/>; returns how many characters were unknown.</summary>
    public int Encode(string text, List<long> destination)
    {
        var unknown = 0;
        foreach (var rune in (_lowercase ? text.ToLowerInvariant() : text).EnumerateRunes())
        {
            if (_ids.TryGetValue(rune.ToString(), out var id))
            {
                destination.Add(id);
            }
            else
            {
                unknown++;
            }
        }

        return unknown;
    }
}
