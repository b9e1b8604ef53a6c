using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The autoregressive family (Orpheus / Spark / Fish shape): a decoder-only LM with a KV cache samples audio-codec
/// tokens, and a codec decoder turns windows of codes into PCM. Stage 1 builds the prompt (voice prompt tokens and
/// text, char vocab); stage 2 generates a chunk's codes with its own cache and seeded sampler; stage 3 decodes them in
/// overlapping, crossfaded windows. <see cref="StreamAsync"/> interleaves the two so the first PCM comes after the
/// first window of frames; the pipeline uses it through <see cref="IStreamingTtsEngine"/> (docs/neural-engines.md).
/// </summary>
public sealed class ArcodecEngine : IStreamingTtsEngine, IVoiceCatalog
{
    public const string EngineName = "arcodec";

    private readonly string _lmFile;
    private readonly string _codecFile;
    private readonly ManifestCodec _codecSettings;
    private readonly ArcodecSettings _settings;
    private readonly ArcodecTokenizer _tokenizer;
    private readonly Dictionary<string, (ManifestVoice Voice, float[] Embedding, string? EmbeddingFile)> _voices;
    private readonly OnnxSessionFactory _sessions;
    private readonly ILogger _logger;
    private ArcodecLm? _lm;
    private ArcodecCodec? _codec;

    internal ArcodecEngine(ModelManifest manifest, OnnxEngineOptions options, ILogger logger)
    {
        _logger = logger;
        _sessions = new OnnxSessionFactory(options, logger);
        _settings = ArcodecSettings.From(manifest);
        _codecSettings = manifest.Codec!;
        _tokenizer = ArcodecTokenizer.Load(manifest);
        _lmFile = ModelManifestReader.RequireFile(manifest, manifest.Model, "arcodec LM");
        _codecFile = ModelManifestReader.RequireFile(manifest, _codecSettings.Model, "arcodec codec decoder");
        SampleRate = manifest.SampleRate ?? throw new ModelPackException($"Model pack manifest '{manifest.FilePath}' does not give the codec's sampleRate.", manifest.FilePath);
        _voices = new Dictionary<string, (ManifestVoice, float[], string?)>(StringComparer.Ordinal);
        var catalog = new List<VoiceInfo>();
        foreach (var voice in manifest.Voices)
        {
            var file = voice.Embedding is null ? null : ModelManifestReader.RequireFile(manifest, voice.Embedding, $"speaker embedding of arcodec voice '{voice.Id}'");
            _voices[voice.Id] = (voice, file is null ? [] : ReadEmbedding(file), file);
            catalog.Add(new VoiceInfo(voice.Id, EngineName, "", SampleRate));
        }

        Voices = catalog;
    }

    public string Name => EngineName;

    public int SampleRate { get; }

    public IReadOnlyList<VoiceInfo> Voices { get; }

    /// <summary>Duration of the warm-up (one window generated and decoded), for the bench and the start-up log.</summary>
    public TimeSpan WarmUpTime { get; private set; }

    /// <summary>Samples per codec frame.</summary>
    public int HopLength => _settings.HopLength;

    /// <summary>Frames per streaming window, and frames shared by consecutive windows.</summary>
    public (int Window, int Overlap) StreamingWindow => (_settings.WindowFrames, _settings.OverlapFrames);

    internal ArcodecSettings Settings => _settings;

    internal ArcodecLm Lm => _lm ?? throw new InvalidOperationException("The arcodec engine is not loaded; call InitializeAsync first.");

    internal ArcodecCodec Codec => _codec ?? throw new InvalidOperationException("The arcodec engine is not loaded; call InitializeAsync first.");

    public ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        _lm ??= ArcodecLm.Open(_sessions, _lmFile, Math.Max(_settings.AudioTokenEnd, Math.Max(_settings.StopToken, _tokenizer.MaxId) + 1));
        _codec ??= ArcodecCodec.Open(_sessions, _codecFile, _codecSettings);
        foreach (var (id, (_, embedding, file)) in _voices)
        {
            if (_lm.SpeakerSize != embedding.Length)
            {
                var path = file ?? _lmFile;
                throw new ModelPackException(
                    _lm.SpeakerSize == 0
                        ? $"Arcodec voice '{id}' has a speaker embedding '{path}', but the LM '{_lmFile}' has no {ArcodecLm.SpeakerEmbedding} input."
                        : $"Arcodec voice '{id}' needs a speaker embedding of {_lm.SpeakerSize} floats for '{_lmFile}'; it has {embedding.Length}.",
                    path);
            }
        }

        // The first runs allocate ORT's buffers and pick kernels; do it now, not on the first call.
        var started = Stopwatch.GetTimestamp();
        var voice0 = Resolve(new VoiceProfile(EngineName, _voices.Keys.First()));
        var tokens = Tokenize(new TextChunk(0, "a", IsLast: true), voice0);
        using (var generation = StartGeneration(tokens, voice0))
        {
            using var stream = new CodecWindowStream(Codec, _settings.WindowFrames, _settings.OverlapFrames);
            while (!generation.IsFinished && generation.Frames < _settings.WindowFrames)
            {
                generation.NextFrame(cancellationToken);
            }

            stream.TryDecode(generation.Codes, generation.Frames, finished: true, cancellationToken);
        }

        WarmUpTime = Stopwatch.GetElapsedTime(started);
        TtsLog.ModelLoaded(_logger, EngineName, _lmFile, _lm.Model.Provider.ToString(), _lm.Model.LoadTime.TotalMilliseconds + _codec.Model.LoadTime.TotalMilliseconds, WarmUpTime.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    /// <summary>Validates the voice and copies its prompt and embedding into the session's immutable conditioning.</summary>
    public VoiceProfile Resolve(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return voice.Conditioning is ArcodecVoice resolved && resolved.Matches(voice)
            ? voice
            : voice with { Conditioning = Select(voice) };
    }

    /// <summary>Stage 1: the whole prompt, <c>begin + voice prompt tokens + chars(voice prompt text + text) + end</c>.</summary>
    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var resolved = VoiceFor(voice);
        var ids = new List<long>(_settings.PromptBegin.Count + resolved.PromptTokens.Length + chunk.Text.Length + 8);
        ids.AddRange(_settings.PromptBegin);
        ids.AddRange(resolved.PromptTokens);
        var textStart = ids.Count;
        var unknown = _tokenizer.Encode(resolved.PromptText + chunk.Text, ids);
        if (unknown > 0)
        {
            TtsLog.PhonemesSkipped(_logger, chunk.Index, unknown, EngineName, voice.Voice);
        }

        if (ids.Count == textStart)
        {
            // Nothing speakable: no prompt, no audio (the vocoder returns an empty chunk).
            return new TokenChunk(chunk.Index, chunk.Text, null, ReadOnlyMemory<long>.Empty, chunk.IsLast);
        }

        ids.AddRange(_settings.PromptEnd);
        return new TokenChunk(chunk.Index, chunk.Text, null, ids.ToArray(), chunk.IsLast);
    }

    /// <summary>Stage 2: every row generates its codes to the stop token or its limit (batch 1 per row; see the docs).</summary>
    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new AcousticUnits[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (tokens, voice) = batch[i];
            var codes = Array.Empty<float>();
            if (!tokens.TokenIds.IsEmpty)
            {
                using var generation = StartGeneration(tokens, voice);
                while (!generation.IsFinished)
                {
                    generation.NextFrame(cancellationToken);
                }

                LogEnd(tokens.Index, generation);
                codes = new float[generation.Codes.Length];
                for (var c = 0; c < codes.Length; c++)
                {
                    // Codes are below the codebook size (4096 for SNAC), exact in a float.
                    codes[c] = generation.Codes[c];
                }
            }

            results[i] = new AcousticUnits(tokens.Index, codes, Pcm: null, tokens.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<AcousticUnits>>(results);
    }

    /// <summary>Stage 3: the chunk's codes decoded in the same windows as <see cref="StreamAsync"/>, so both give the same samples.</summary>
    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new PcmChunk[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var units = batch[i].Units;
            var codes = new long[units.Features.Length];
            for (var c = 0; c < codes.Length; c++)
            {
                codes[c] = (long)units.Features.Span[c];
            }

            var frames = codes.Length / _settings.Codebooks;
            using var stream = new CodecWindowStream(Codec, _settings.WindowFrames, _settings.OverlapFrames);
            var audio = new List<float>(frames * _settings.HopLength);
            while (stream.TryDecode(codes, frames, finished: true, cancellationToken) is { } piece)
            {
                audio.AddRange(piece);
            }

            results[i] = new PcmChunk(units.Index, PcmConverter.Clip(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(audio)), SampleRate, units.IsLast);
        }

        return ValueTask.FromResult<IReadOnlyList<PcmChunk>>(results);
    }

    /// <summary>
    /// Stages 2 and 3 interleaved for one chunk: yields PCM every window (W - O frames, the first after W) while the LM
    /// keeps generating. The samples, concatenated, equal <see cref="VocodeAsync"/> of <see cref="GenerateAsync"/>'s
    /// units. All state is local to this enumeration; cancelling it stops only this row.
    /// </summary>
    public async IAsyncEnumerable<PcmChunk> StreamAsync(TokenChunk tokens, VoiceProfile voice, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.TokenIds.IsEmpty)
        {
            yield return new PcmChunk(tokens.Index, ReadOnlyMemory<short>.Empty, SampleRate, tokens.IsLast);
            yield break;
        }

        using var generation = StartGeneration(tokens, voice);
        using var stream = new CodecWindowStream(Codec, _settings.WindowFrames, _settings.OverlapFrames);
        while (!stream.IsDone)
        {
            // Generation and decoding are synchronous CPU (or GPU) work; yield so a caller enumerating many rows interleaves them.
            await Task.Yield();
            if (!generation.IsFinished)
            {
                generation.NextFrame(cancellationToken);
                if (generation.IsFinished)
                {
                    LogEnd(tokens.Index, generation);
                }
            }

            while (stream.TryDecode(generation.Codes, generation.Frames, generation.IsFinished, cancellationToken) is { } piece)
            {
                yield return new PcmChunk(tokens.Index, PcmConverter.Clip(piece), SampleRate, tokens.IsLast && stream.IsDone);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _lm?.Dispose();
        _codec?.Dispose();
        return ValueTask.CompletedTask;
    }

    internal ArcodecGeneration StartGeneration(TokenChunk tokens, VoiceProfile voice)
    {
        var resolved = VoiceFor(voice);
        var seed = voice.Seed ?? resolved.DefaultSeed;
        return new ArcodecGeneration(Lm, _settings, tokens.TokenIds, resolved.Embedding, SamplerRandom.ForChunk(seed, tokens.Index));
    }

    private void LogEnd(int index, ArcodecGeneration generation)
    {
        if (!generation.Stopped)
        {
            TtsLog.ArcodecTokenLimit(_logger, index, generation.Frames);
        }
    }

    private ArcodecVoice VoiceFor(VoiceProfile voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        return voice.Conditioning is ArcodecVoice resolved && resolved.Matches(voice) ? resolved : Select(voice);
    }

    private ArcodecVoice Select(VoiceProfile voice)
    {
        if (!_voices.TryGetValue(voice.Voice, out var entry))
        {
            throw new ArgumentException($"Unknown arcodec voice '{voice.Voice}' (known: {string.Join(", ", _voices.Keys)}).", nameof(voice));
        }

        if (!float.IsFinite(voice.Speed) || voice.Speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(voice), voice.Speed, "Speed must be a positive multiplier (1.0 = normal).");
        }

        return new ArcodecVoice(voice, entry.Voice.PromptTokens ?? [], entry.Voice.PromptText ?? "", entry.Embedding, entry.Voice.Seed ?? 0);
    }

    private static float[] ReadEmbedding(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length == 0 || bytes.Length % sizeof(float) != 0)
        {
            throw new ModelPackException($"Speaker embedding '{file}' has {bytes.Length} bytes; expected headerless little-endian float32.", file);
        }

        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return values;
    }
}
