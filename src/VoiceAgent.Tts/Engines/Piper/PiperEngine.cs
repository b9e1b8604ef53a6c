using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>
/// Piper (VITS) voices on ONNX Runtime, one model per voice. Stage 1 phonemizes with espeak-ng and maps through the
/// voice's phoneme_id_map; stage 2 runs the whole model (VITS has no separate vocoder) and hands float audio on;
/// stage 3 converts it to 16-bit PCM with Piper's per-sentence peak normalization.
/// </summary>
public sealed class PiperEngine : ITtsEngine, IVoiceCatalog
{
    public const string EngineName = "piper";

    private readonly ModelManifest _manifest;
    private readonly Dictionary<string, PiperVoiceModel> _voices;
    private readonly OnnxSessionFactory _sessions;
    private readonly EspeakPhonemizer _phonemizer;
    private readonly ILogger _logger;

    internal PiperEngine(ModelManifest manifest, OnnxEngineOptions options, ILogger logger)
    {
        _manifest = manifest;
        _logger = logger;
        _sessions = new OnnxSessionFactory(options, logger);
        _phonemizer = new EspeakPhonemizer(options.EspeakDataPath);
        var names = PiperTensorNames.From(manifest.Io);
        _voices = new Dictionary<string, PiperVoiceModel>(StringComparer.Ordinal);
        foreach (var voice in manifest.Voices)
        {
            var model = ModelManifestReader.RequireFile(manifest, voice.Model, $"model of Piper voice '{voice.Id}'");
            var config = ModelManifestReader.RequireFile(manifest, voice.Config ?? voice.Model + ".json", $"config of Piper voice '{voice.Id}'");
            var parsed = PiperVoiceConfig.Read(config);
            _voices[voice.Id] = new PiperVoiceModel(voice.Id, model, parsed, voice.Language ?? parsed.EspeakVoice, names);
        }

        var rates = _voices.Values.Select(v => v.Config.SampleRate).Distinct().ToArray();
        SampleRate = manifest.SampleRate ?? _voices[manifest.Voices[0].Id].Config.SampleRate;
        if (rates.Length > 1)
        {
            TtsLog.PiperMixedRates(logger, manifest.Directory, string.Join("/", rates));
        }

        Voices = BuildCatalog();
    }

    public string Name => EngineName;

    /// <summary>The manifest's sampleRate, else the first voice's. Each <see cref="PcmChunk"/> carries its own voice's rate.</summary>
    public int SampleRate { get; }

    public IReadOnlyList<VoiceInfo> Voices { get; }

    /// <summary>Duration of the slowest voice's warm-up run (for the bench and the start-up log).</summary>
    public TimeSpan WarmUpTime { get; private set; }

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await _phonemizer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var voice in _voices.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            voice.Open(_sessions);

            // The first run allocates ORT's buffers and picks kernels; do it now, not on the first call.
            var started = Stopwatch.GetTimestamp();
            var warmUp = new PiperVoiceSelection(new VoiceProfile(EngineName, voice.Id), voice, speakerId: 0);
            voice.Synthesize(voice.Config.PhonemeIds.ToIds("ə", out _), warmUp.SpeakerId, warmUp.Scales, cancellationToken);
            var warmUpTime = Stopwatch.GetElapsedTime(started);
            WarmUpTime = warmUpTime > WarmUpTime ? warmUpTime : WarmUpTime;
            TtsLog.ModelLoaded(_logger, EngineName, voice.ModelFile, voice.Model.Provider.ToString(), voice.Model.LoadTime.TotalMilliseconds, warmUpTime.TotalMilliseconds);
        }
    }

    public VoiceProfile Resolve(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return voice.Conditioning is PiperVoiceSelection selection && selection.Matches(voice)
            ? voice
            : voice with { Conditioning = Select(voice) };
    }

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var model = SelectionFor(voice).Model;
        var phonemes = _phonemizer.Phonemize(chunk.Text, model.Language);
        if (phonemes.Length == 0)
        {
            return new TokenChunk(chunk.Index, chunk.Text, phonemes, ReadOnlyMemory<long>.Empty, chunk.IsLast);
        }

        var ids = model.Config.PhonemeIds.ToIds(phonemes, out var skipped);
        if (skipped > 0)
        {
            TtsLog.PhonemesSkipped(_logger, chunk.Index, skipped, EngineName, model.Id);
        }

        return new TokenChunk(chunk.Index, chunk.Text, phonemes, ids, chunk.IsLast);
    }

    /// <summary>Runs each row's voice model; rows run one after another (batch 1: Piper exports pad nothing across rows).</summary>
    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new AcousticUnits[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (tokens, voice) = batch[i];
            var selection = SelectionFor(voice);
            var audio = tokens.TokenIds.IsEmpty
                ? []
                : selection.Model.Synthesize(tokens.TokenIds, selection.SpeakerId, selection.Scales, cancellationToken);
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
            var (units, voice) = batch[i];
            var rate = SelectionFor(voice).Model.Config.SampleRate;
            results[i] = new PcmChunk(units.Index, PcmConverter.PeakNormalize(units.Features.Span), rate, units.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<PcmChunk>>(results);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var voice in _voices.Values)
        {
            voice.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The session's resolved voice, or one resolved now when the profile was not resolved (or was changed since).</summary>
    private PiperVoiceSelection SelectionFor(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return voice.Conditioning is PiperVoiceSelection selection && selection.Matches(voice) ? selection : Select(voice);
    }

    /// <summary>Parses <c>voice</c> or <c>voice:speaker</c> (a speaker_id_map name or a number).</summary>
    private PiperVoiceSelection Select(VoiceProfile voice)
    {
        if (!float.IsFinite(voice.Speed) || voice.Speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(voice), voice.Speed, "Speed must be a positive multiplier (1.0 = normal).");
        }

        var separator = voice.Voice.LastIndexOf(':');
        var id = separator < 0 ? voice.Voice : voice.Voice[..separator];
        if (!_voices.TryGetValue(id, out var model))
        {
            throw new ArgumentException($"Unknown Piper voice '{voice.Voice}' (known: {string.Join(", ", _voices.Keys)}).", nameof(voice));
        }

        if (separator < 0)
        {
            // rhasspy piper: a multi-speaker voice with no speaker given speaks as speaker 0.
            return new PiperVoiceSelection(voice, model, speakerId: 0);
        }

        var speaker = voice.Voice[(separator + 1)..];
        if (model.Config.SpeakerIds.TryGetValue(speaker, out var speakerId)
            || (long.TryParse(speaker, NumberStyles.None, CultureInfo.InvariantCulture, out speakerId) && speakerId < model.Config.NumSpeakers))
        {
            return new PiperVoiceSelection(voice, model, speakerId);
        }

        throw new ArgumentException($"Piper voice '{id}' has no speaker '{speaker}' ({model.Config.NumSpeakers} speakers).", nameof(voice));
    }

    private VoiceInfo[] BuildCatalog()
    {
        var catalog = new List<VoiceInfo>();
        foreach (var voice in _manifest.Voices)
        {
            var model = _voices[voice.Id];
            if (model.Config.SpeakerIds.Count == 0)
            {
                catalog.Add(new VoiceInfo(voice.Id, EngineName, model.Language, model.Config.SampleRate));
                continue;
            }

            foreach (var speaker in model.Config.SpeakerIds.OrderBy(s => s.Value))
            {
                catalog.Add(new VoiceInfo($"{voice.Id}:{speaker.Key}", EngineName, model.Language, model.Config.SampleRate));
            }
        }

        return catalog.ToArray();
    }
}
