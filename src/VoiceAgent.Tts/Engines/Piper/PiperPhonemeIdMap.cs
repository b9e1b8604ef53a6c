using System.Text;
using System.Text.Json;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>
/// A voice's phoneme_id_map and the id sequence Piper builds from it (piper-phonemize phoneme_ids.cpp, MODEL_FORMATS.md
/// 1.3): BOS <c>^</c>, then PAD <c>_</c> after BOS and after every phoneme, then EOS <c>$</c>; a phoneme may map to several
/// ids; one the map lacks is skipped. Keys are single codepoints of the NFD-normalized IPA, as in rhasspy's C++
/// player; piper1's multi-codepoint keys (vowel clusters) are not used.
/// </summary>
internal sealed class PiperPhonemeIdMap
{
    public const string Pad = "_";
    public const string Bos = "^";
    public const string Eos = "$";

    private readonly Dictionary<int, long[]> _ids;
    private readonly long[] _pad;
    private readonly long[] _bos;
    private readonly long[] _eos;

    public PiperPhonemeIdMap(IReadOnlyDictionary<string, long[]> map)
    {
        _ids = new Dictionary<int, long[]>();
        foreach (var (phoneme, ids) in map)
        {
            // Multi-codepoint keys cannot come out of per-codepoint splitting; keeping them would never match.
            if (Rune.DecodeFromUtf16(phoneme, out var rune, out var consumed) == System.Buffers.OperationStatus.Done && consumed == phoneme.Length)
            {
                _ids[rune.Value] = ids;
            }
        }

        _pad = Required(map, Pad);
        _bos = Required(map, Bos);
        _eos = Required(map, Eos);
    }

    public static PiperPhonemeIdMap FromJson(JsonElement map)
    {
        var entries = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            entries[property.Name] = property.Value.ValueKind == JsonValueKind.Array
                ? property.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray()
                : [property.Value.GetInt64()];
        }

        return new PiperPhonemeIdMap(entries);
    }

    /// <summary>Ids for an IPA string; <paramref name="skipped"/> counts phonemes the map lacks.</summary>
    public long[] ToIds(string phonemes, out int skipped)
    {
        skipped = 0;
        var ids = new List<long>(phonemes.Length * 2 + 3);
        ids.AddRange(_bos);
        ids.AddRange(_pad);
        foreach (var rune in LatinDecomposition.Decompose(phonemes).EnumerateRunes())
        {
            if (!_ids.TryGetValue(rune.Value, out var phonemeIds))
            {
                skipped++;
                continue;
            }

            ids.AddRange(phonemeIds);
            ids.AddRange(_pad);
        }

        ids.AddRange(_eos);
        return ids.ToArray();
    }

    /// <summary>Length of the id sequence of empty phonemes (BOS, PAD, EOS): a chunk with no speech.</summary>
    public int EmptyLength => _bos.Length + _pad.Length + _eos.Length;

    private static long[] Required(IReadOnlyDictionary<string, long[]> map, string symbol) =>
        map.TryGetValue(symbol, out var ids) && ids.Length > 0
            ? ids
            : throw new FormatException($"phoneme_id_map has no '{symbol}' (Piper's PAD/BOS/EOS symbols are required).");
}
