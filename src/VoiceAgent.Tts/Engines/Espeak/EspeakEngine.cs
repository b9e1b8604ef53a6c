using VoiceAgent.Tts.Native;

namespace VoiceAgent.Tts.Engines.Espeak;

/// <summary>
/// The embedded default engine: espeak-ng formant synthesis on the CPU, no model files. Stage 1 passes the text
/// through, stage 2 synthesizes PCM directly (one serialized espeak-ng call per row, voice and rate set for that
/// row), stage 3 passes the PCM through.
/// </summary>
public sealed class EspeakEngine : ITtsEngine
{
    public const string EngineName = "espeak";

    /// <summary>espeak-ng's fixed output rate.</summary>
    public const int EspeakSampleRate = 22050;

    private const string WarmUpText = "Ready.";
    private const string WarmUpVoice = "en-us";

    private readonly EspeakLibrary _library;
    private readonly string? _dataPath;

    /// <param name="dataPath">espeak-ng-data directory, or null to let the library find it.</param>
    public EspeakEngine(string? dataPath = null)
        : this(EspeakLibrary.Shared, dataPath)
    {
    }

    internal EspeakEngine(EspeakLibrary library, string? dataPath)
    {
        _library = library;
        _dataPath = dataPath;
    }

    public string Name => EngineName;

    public int SampleRate => EspeakSampleRate;

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        var rate = await _library.InitializeAsync(_dataPath, cancellationToken).ConfigureAwait(false);
        if (rate != EspeakSampleRate)
        {
            throw new InvalidOperationException($"espeak-ng reports {rate} Hz; this engine expects {EspeakSampleRate} Hz.");
        }

        // Loads the voice files and fills the library's caches before the first call needs them.
        await _library.SynthesizeAsync(WarmUpText, WarmUpVoice, EspeakLibrary.NormalRate, cancellationToken).ConfigureAwait(false);
    }

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return new TokenChunk(chunk.Index, chunk.Text, Phonemes: null, ReadOnlyMemory<long>.Empty, chunk.IsLast);
    }

    public async ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new AcousticUnits[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (tokens, voice) = batch[i];
            var rate = ToRate(voice.Speed);
            var raw = await _library.SynthesizeAsync(tokens.Text, voice.Voice, rate, cancellationToken).ConfigureAwait(false);
            var samples = EspeakChunkPause.ReplaceTrailingPause(raw, tokens.Text, rate, EspeakSampleRate);
            var pcm = new PcmChunk(tokens.Index, samples, EspeakSampleRate, tokens.IsLast);
            results[i] = new AcousticUnits(tokens.Index, ReadOnlyMemory<float>.Empty, pcm, tokens.IsLast);
        }

        return results;
    }

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new PcmChunk[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = batch[i].Units.Pcm
                ?? throw new ArgumentException($"Acoustic units {batch[i].Units.Index} carry no PCM; they did not come from the espeak engine.", nameof(batch));
        }

        return ValueTask.FromResult<IReadOnlyList<PcmChunk>>(results);
    }

    /// <summary>The engine owns no native state of its own; the shared <see cref="EspeakLibrary"/> lives for the process.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Maps a <see cref="VoiceProfile.Speed"/> multiplier to espeak-ng words per minute.</summary>
    internal static int ToRate(float speed)
    {
        if (!float.IsFinite(speed) || speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Speed must be a positive multiplier (1.0 = normal).");
        }

        return Math.Clamp((int)MathF.Round(EspeakLibrary.NormalRate * speed), EspeakLibrary.MinimumRate, EspeakLibrary.MaximumRate);
    }
}
