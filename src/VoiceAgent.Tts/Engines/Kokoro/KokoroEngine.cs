using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// Kokoro-82M (StyleTTS2 + iSTFTNet) on ONNX Runtime: one model, many voice packs, blends of them. Stage 1
/// phonemizes with espeak-ng and maps through the Kokoro vocab; stage 2 runs the whole model (its vocoder is inside
/// the graph) and hands float audio on; stage 3 converts it to 16-bit PCM.
/// </summary>
public sealed class KokoroEngine : ITtsEngine, IVoiceCatalog
{
    public const string EngineName = "kokoro";

    /// <summary>Kokoro-82M's output rate.</summary>
    public const int DefaultSampleRate = 24000;

    private readonly string _modelFile;
    private readonly KokoroTensorNames _names;
    private readonly Dictionary<string, KokoroVoicePack> _packs;
    private readonly Dictionary<string, string> _languages;
    private readonly OnnxSessionFactory _sessions;
    private readonly EspeakPhonemizer _phonemizer;
    private readonly KokoroVocab _vocab = KokoroVocab.Default;
    private readonly ILogger _logger;
    private KokoroModel? _model;

    internal KokoroEngine(ModelManifest manifest, OnnxEngineOptions options, ILogger logger)
    {
        _logger = logger;
        _sessions = new OnnxSessionFactory(options, logger);
        _phonemizer = new EspeakPhonemizer(options.EspeakDataPath);
        _names = KokoroTensorNames.From(manifest.Io);
        _modelFile = ModelManifestReader.RequireFile(manifest, manifest.Model, "Kokoro model");
        SampleRate = manifest.SampleRate ?? DefaultSampleRate;
        _packs = new Dictionary<string, KokoroVoicePack>(StringComparer.Ordinal);
        _languages = new Dictionary<string, string>(StringComparer.Ordinal);
        var catalog = new List<VoiceInfo>();
        foreach (var voice in manifest.Voices)
        {
            var file = ModelManifestReader.RequireFile(manifest, voice.File, $"voice pack of Kokoro voice '{voice.Id}'");
            _packs[voice.Id] = KokoroVoicePack.Load(voice.Id, file);
            _languages[voice.Id] = voice.Language ?? KokoroLanguages.FromVoiceName(voice.Id);
            catalog.Add(new VoiceInfo(voice.Id, EngineName, _languages[voice.Id], SampleRate));
        }

        Voices = catalog;
    }

    public string Name => EngineName;

    public int SampleRate { get; }

    public IReadOnlyList<VoiceInfo> Voices { get; }

    /// <summary>Duration of the warm-up run (for the bench and the start-up log).</summary>
    public TimeSpan WarmUpTime { get; private set; }

    private KokoroModel Model => _model ?? throw new InvalidOperationException("The Kokoro engine is not loaded; call InitializeAsync first.");

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await _phonemizer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        _model ??= KokoroModel.Open(_sessions, _modelFile, _names);

        // The first run allocates ORT's buffers and picks kernels; do it now, not on the first call.
        var started = Stopwatch.GetTimestamp();
        var style = Select(new VoiceProfile(EngineName, _packs.Keys.First()), precompute: false);
        var ids = KokoroTokenizer.ToInputIds("ə", _vocab, out var tokens);
        _model.Synthesize(ids, style, tokens, 1f, cancellationToken);
        WarmUpTime = Stopwatch.GetElapsedTime(started);
        TtsLog.ModelLoaded(_logger, EngineName, _modelFile, _model.Model.Provider.ToString(), _model.Model.LoadTime.TotalMilliseconds, WarmUpTime.TotalMilliseconds);
    }

    /// <summary>Validates the voice and computes its style table once (blends included) for the session.</summary>
    public VoiceProfile Resolve(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return voice.Conditioning is KokoroStyle style && style.Matches(voice)
            ? voice
            : voice with { Conditioning = Select(voice, precompute: true) };
    }

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var style = StyleFor(voice);
        var phonemes = _phonemizer.Phonemize(chunk.Text, style.Language);
        var ids = KokoroTokenizer.ToInputIds(phonemes, _vocab, out var tokens);
        if (tokens > KokoroTokenizer.MaxPhonemeTokens)
        {
            // The text chunker keeps chunks far below this; a chunk this long is a frontend bug, so say so.
            TtsLog.KokoroTruncated(_logger, chunk.Index, tokens, KokoroTokenizer.MaxPhonemeTokens);
        }

        return new TokenChunk(chunk.Index, chunk.Text, phonemes, tokens == 0 ? ReadOnlyMemory<long>.Empty : ids, chunk.IsLast);
    }

    /// <summary>Runs the model per row (batch 1: Kokoro exports take one utterance per run).</summary>
    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var model = Model;
        var results = new AcousticUnits[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (tokens, voice) = batch[i];
            var style = StyleFor(voice);
            var audio = tokens.TokenIds.IsEmpty
                ? []
                : model.Synthesize(tokens.TokenIds, style, phonemeTokens: tokens.TokenIds.Length - 2, voice.Speed, cancellationToken);
            results[i] = new AcousticUnits(tokens.Index, audio, Pcm: null, tokens.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<AcousticUnits>>(results);
    }

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new PcmChunk[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var units = batch[i].Units;
            results[i] = new PcmChunk(units.Index, PcmConverter.Clip(units.Features.Span), SampleRate, units.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<PcmChunk>>(results);
    }

    public ValueTask DisposeAsync()
    {
        _model?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The session's resolved style, or one for this request only when the profile was not resolved (or was changed since).</summary>
    private KokoroStyle StyleFor(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);

        // Per request, a blend is computed for the one row the chunk needs, with the same arithmetic as the table.
        return voice.Conditioning is KokoroStyle style && style.Matches(voice) ? style : Select(voice, precompute: false);
    }

    private KokoroStyle Select(VoiceProfile voice, bool precompute)
    {
        if (!float.IsFinite(voice.Speed) || voice.Speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(voice), voice.Speed, "Speed must be a positive multiplier (1.0 = normal).");
        }

        var blend = KokoroBlend.Parse(voice.Voice, _packs);
        return new KokoroStyle(voice, blend, _languages[blend.Primary.Id], precompute);
    }
}
