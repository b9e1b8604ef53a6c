using System.Text.Json;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// Kokoro-82M's symbol table (hexgrad/Kokoro-82M config.json "vocab", 114 symbols, ids 1..177, 0 = pad). Kokoro
/// tokenizes per character: a character not in the table is dropped (MODEL_FORMATS.md 2.2).
/// </summary>
internal sealed class KokoroVocab
{
    private const string ResourceName = "VoiceAgent.Tts.KokoroVocab.json";

    private readonly Dictionary<char, long> _ids;

    private KokoroVocab(Dictionary<char, long> ids)
    {
        _ids = ids;
    }

    /// <summary>The built-in table, read once from the assembly.</summary>
    public static KokoroVocab Default { get; } = LoadDefault();

    public int Count => _ids.Count;

    public bool TryGetId(char symbol, out long id) => _ids.TryGetValue(symbol, out id);

    private static KokoroVocab LoadDefault()
    {
        using var stream = typeof(KokoroVocab).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the build.");
        var entries = JsonSerializer.Deserialize<Dictionary<string, long>>(stream)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is empty.");
        var ids = new Dictionary<char, long>(entries.Count);
        foreach (var (symbol, id) in entries)
        {
            // Every Kokoro symbol is one UTF-16 unit (all are in the BMP), which is what makes per-char lookup right.
            if (symbol.Length != 1)
            {
                throw new InvalidOperationException($"Kokoro vocab symbol '{symbol}' is not a single character.");
            }

            ids[symbol[0]] = id;
        }

        return new KokoroVocab(ids);
    }
}
