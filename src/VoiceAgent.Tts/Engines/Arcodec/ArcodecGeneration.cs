namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The generation state of one row (one chunk of one session): its KV cache, its random stream, its repetition
/// history and the codes so far. Created per request and disposed with it; the engine holds none of it, so rows of
/// different sessions can run concurrently or be cancelled without touching each other.
/// </summary>
internal sealed class ArcodecGeneration : IDisposable
{
    private readonly ArcodecLm _lm;
    private readonly ArcodecSettings _settings;
    private readonly ReadOnlyMemory<long> _prompt;
    private readonly ReadOnlyMemory<float> _speaker;
    private readonly SamplerRandom _random;
    private readonly KvCache _cache;
    private readonly List<long> _generated = [];
    private readonly List<long> _codes = [];
    private readonly int _maxNewTokens;
    private float[]? _logits;

    public ArcodecGeneration(ArcodecLm lm, ArcodecSettings settings, ReadOnlyMemory<long> prompt, ReadOnlyMemory<float> speaker, SamplerRandom random)
    {
        if (prompt.IsEmpty)
        {
            throw new ArgumentException("The prompt is empty.", nameof(prompt));
        }

        _lm = lm;
        _settings = settings;
        _prompt = prompt;
        _speaker = speaker;
        _random = random;
        var room = settings.ContextLength is { } context ? context - prompt.Length : int.MaxValue;
        _maxNewTokens = Math.Min(settings.MaxNewTokens, room / settings.Codebooks * settings.Codebooks);
        if (_maxNewTokens <= 0)
        {
            throw new ArgumentException($"The prompt has {prompt.Length} tokens; the LM's context of {settings.ContextLength} leaves no room for audio.", nameof(prompt));
        }

        _cache = lm.CreateCache(prompt.Length + _maxNewTokens);
    }

    public bool IsFinished { get; private set; }

    /// <summary>True when generation ended on the stop token (false: max new tokens or context).</summary>
    public bool Stopped { get; private set; }

    public int Frames => _codes.Count / _settings.Codebooks;

    /// <summary>Frame-major codes (Q per frame) of the complete frames so far.</summary>
    public ReadOnlySpan<long> Codes => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_codes)[..(Frames * _settings.Codebooks)];

    /// <summary>Generates the next frame (Q tokens), or ends the generation on the stop token or a limit.</summary>
    public void NextFrame(CancellationToken cancellationToken)
    {
        for (var slot = 0; slot < _settings.Codebooks && !IsFinished; slot++)
        {
            NextToken(cancellationToken);
        }
    }

    private void NextToken(CancellationToken cancellationToken)
    {
        _logits ??= _lm.Forward(_cache, _prompt.Span, _speaker, cancellationToken);
        var slot = _generated.Count % _settings.Codebooks;
        var allowed = _settings.AllowedTokens(slot, withStop: slot == 0 && _generated.Count >= _settings.MinNewTokens);
        var token = TokenSampler.Sample(_logits, allowed, _generated, _settings.Sampling, _random);
        if (token == _settings.StopToken)
        {
            IsFinished = true;
            Stopped = true;
            return;
        }

        _generated.Add(token);
        _codes.Add(token - _settings.AudioTokenOffset - ((long)slot * _settings.CodebookSize));
        if (_generated.Count >= _maxNewTokens)
        {
            IsFinished = true;
            return;
        }

        _logits = _lm.Forward(_cache, [token], _speaker, cancellationToken);
    }

    public void Dispose() => _cache.Dispose();
}
