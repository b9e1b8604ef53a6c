using System.Globalization;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// A Kokoro voice as a weighted average of voice packs: <c>af_heart</c>, or <c>af_heart:0.7,am_adam:0.3</c>. Weights are
/// divided by their sum, so <c>a,b</c> (weight 1 each) is hexgrad's <c>load_voice("a,b")</c> mean.
/// </summary>
internal sealed class KokoroBlend
{
    private readonly KokoroVoicePack[] _packs;
    private readonly float[] _weights;

    private KokoroBlend(KokoroVoicePack[] packs, float[] weights)
    {
        _packs = packs;
        _weights = weights;
    }

    /// <summary>The first part's pack: its id decides the language a blend is phonemized in.</summary>
    public KokoroVoicePack Primary => _packs[0];

    public bool IsSingleVoice => _packs.Length == 1;

    /// <exception cref="ArgumentException">An unknown voice, a bad weight, or an empty part.</exception>
    public static KokoroBlend Parse(string voice, IReadOnlyDictionary<string, KokoroVoicePack> packs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(voice);
        var parts = voice.Split(',', StringSplitOptions.TrimEntries);
        var chosen = new KokoroVoicePack[parts.Length];
        var weights = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var separator = parts[i].IndexOf(':', StringComparison.Ordinal);
            var id = separator < 0 ? parts[i] : parts[i][..separator].Trim();
            var weight = 1f;
            if (separator >= 0
                && (!float.TryParse(parts[i][(separator + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || !float.IsFinite(weight) || weight <= 0))
            {
                throw new ArgumentException($"Kokoro voice '{voice}': part '{parts[i]}' needs a positive weight, e.g. af_heart:0.7.", nameof(voice));
            }

            chosen[i] = packs.TryGetValue(id, out var pack)
                ? pack
                : throw new ArgumentException($"Unknown Kokoro voice '{id}' in '{voice}' (known: {string.Join(", ", packs.Keys)}).", nameof(voice));
            weights[i] = weight;
        }

        var total = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= total;
        }

        return new KokoroBlend(chosen, weights);
    }

    /// <summary>
    /// Writes the blended style of <paramref name="row"/>. The one place blending is computed, so a precomputed table
    /// and a row computed per request are bit-identical.
    /// </summary>
    public void BlendRow(int row, Span<float> destination)
    {
        if (IsSingleVoice)
        {
            _packs[0].Row(row).CopyTo(destination);
            return;
        }

        destination[..KokoroVoicePack.StyleSize].Clear();
        for (var p = 0; p < _packs.Length; p++)
        {
            var source = _packs[p].Row(row);
            var weight = _weights[p];
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] += weight * source[i];
            }
        }
    }
}
