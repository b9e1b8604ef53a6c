namespace VoiceAgent.Tts.Engines;

/// <summary>
/// Several engines (model packs) loaded at once behind one <see cref="ITtsEngine"/>: each row goes
/// to the pack its <see cref="VoiceProfile.Engine"/> names, so one call can speak Piper, the next
/// Kokoro. Batches are split per pack and the results put back in batch order; nothing of one pack
/// reaches another.
/// </summary>
public sealed class TtsEnginePacks : ITtsEngine, IVoiceCatalog
{
    private readonly IReadOnlyDictionary<string, ITtsEngine> _packs;
    private readonly ITtsEngine _default;

    /// <param name="packs">Engines by pack name; voices of a pack carry its name in <see cref="VoiceProfile.Engine"/>.</param>
    /// <param name="defaultPack">The pack used for profiles that name no known pack.</param>
    public TtsEnginePacks(IReadOnlyDictionary<string, ITtsEngine> packs, string defaultPack)
    {
        _packs = packs;
        _default = packs[defaultPack];
        DefaultPack = defaultPack;
    }

    public string DefaultPack { get; }

    public IReadOnlyCollection<string> PackNames => [.. _packs.Keys];

    public string Name => _default.Name;

    public int SampleRate => _default.SampleRate;

    /// <summary>Every voice of every pack; ids of the packs other than the default are <c>pack/voice</c>.</summary>
    public IReadOnlyList<VoiceInfo> Voices =>
    [
        .. _packs.SelectMany(pack => VoicesOf(pack.Value)
            .Select(v => pack.Key == DefaultPack ? v : v with { Id = $"{pack.Key}/{v.Id}" })),
    ];

    public ITtsEngine PackOf(VoiceProfile voice) => _packs.GetValueOrDefault(voice.Engine) ?? _default;

    public VoiceProfile Resolve(VoiceProfile voice) => PackOf(voice) is IVoiceCatalog catalog ? catalog.Resolve(voice) : voice;

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var pack in _packs.Values)
        {
            await pack.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice) => PackOf(voice).Tokenize(chunk, voice);

    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
        => RunPerPackAsync(batch, r => r.Voice, (engine, rows, ct) => engine.GenerateAsync(rows, ct), cancellationToken);

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
        => RunPerPackAsync(batch, r => r.Voice, (engine, rows, ct) => engine.VocodeAsync(rows, ct), cancellationToken);

    private async ValueTask<IReadOnlyList<TResult>> RunPerPackAsync<TRow, TResult>(
        IReadOnlyList<TRow> batch,
        Func<TRow, VoiceProfile> voiceOf,
        Func<ITtsEngine, IReadOnlyList<TRow>, CancellationToken, ValueTask<IReadOnlyList<TResult>>> run,
        CancellationToken cancellationToken)
    {
        var groups = batch.Select((row, index) => (Row: row, Index: index)).GroupBy(r => PackOf(voiceOf(r.Row))).ToList();
        if (groups.Count == 1)
        {
            return await run(groups[0].Key, batch, cancellationToken).ConfigureAwait(false);
        }

        var results = new TResult[batch.Count];
        foreach (var group in groups)
        {
            var rows = group.ToList();
            var output = await run(group.Key, [.. rows.Select(r => r.Row)], cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                results[rows[i].Index] = output[i];
            }
        }

        return results;
    }

    private static IReadOnlyList<VoiceInfo> VoicesOf(ITtsEngine engine)
        => engine is IVoiceCatalog catalog ? catalog.Voices : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var pack in _packs.Values)
        {
            await pack.DisposeAsync().ConfigureAwait(false);
        }
    }
}
