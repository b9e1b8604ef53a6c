using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VoiceAgent.Pipeline.Batching;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// The three-stage speech path of ARCHITECTURE.md for one engine: stage 1 per session, stages 2
/// (generator) and 3 (vocoder) as shared batching workers. An <see cref="IStreamingTtsEngine"/> gets one shared
/// streaming worker for stages 2 and 3 instead (PCM every codec window). Create one per engine at start-up.
/// </summary>
public sealed class SpeechPipeline : IAsyncDisposable
{
    private readonly SharedStage<GeneratorRow, AcousticUnits>? _generator;
    private readonly SharedStage<VocoderRow, PcmChunk>? _vocoder;
    private readonly StreamingStage? _streaming;

    public SpeechPipeline(ITtsEngine engine, ITextFrontend frontend, PipelineOptions options, ILogger<SpeechPipeline> logger)
    {
        Engine = engine;
        Frontend = frontend;
        Options = options;
        Logger = logger;
        if (options.StreamWithinChunk && engine is IStreamingTtsEngine streaming)
        {
            _streaming = new StreamingStage(streaming, options, logger);
            return;
        }

        _vocoder = new SharedStage<VocoderRow, PcmChunk>("vocoder", options, VocodeAsync, DeliverPcm, logger);
        _generator = new SharedStage<GeneratorRow, AcousticUnits>("generator", options, GenerateAsync, ForwardToVocoder, logger);
    }

    public ITtsEngine Engine { get; }

    public ITextFrontend Frontend { get; }

    public PipelineOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>True when stages 2 and 3 stream within a chunk (several PCM pieces per chunk).</summary>
    public bool StreamsWithinChunk => _streaming is not null;

    /// <summary>Stage 1's hand-off: a tokenized chunk to the generator (or the streaming stage).</summary>
    internal ValueTask EnqueueAsync(GeneratorRow row, CancellationToken cancellationToken)
        => _streaming is not null ? _streaming.EnqueueAsync(row, cancellationToken) : _generator!.EnqueueAsync(row, cancellationToken);

    /// <summary>A new session with its own voice and cancellation; nothing of it is shared with other sessions.</summary>
    /// <param name="priority">Calls (the default) go ahead of <see cref="SpeechPriority.Background"/> sessions in the shared stages.</param>
    public SpeechSession CreateSession(string sessionId, VoiceProfile voice, SpeechPriority priority = SpeechPriority.Call) => new(sessionId, voice, this, priority);

    private ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GeneratorRow> rows, CancellationToken cancellationToken)
    {
        var batch = new GenerationRequest[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            batch[i] = new GenerationRequest(rows[i].Tokens, rows[i].Utterance.Voice);
        }

        return Engine.GenerateAsync(batch, cancellationToken);
    }

    private void ForwardToVocoder(GeneratorRow row, AcousticUnits units)
    {
        row.Utterance.Timeline.TryMark(TimelineMark.FirstUnitsGenerated, Stopwatch.GetTimestamp());
        // The vocoder queue holds StageQueueCapacity rows while credits cap each utterance at a
        // few chunks, so this only fails after shutdown; then the utterance must not hang.
        if (!_vocoder!.TryEnqueue(new VocoderRow(row.Utterance, units)))
        {
            row.Utterance.Fail(new InvalidOperationException("The vocoder stage is full or stopped."));
        }
    }

    private ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocoderRow> rows, CancellationToken cancellationToken)
    {
        var batch = new VocodeRequest[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            batch[i] = new VocodeRequest(rows[i].Units, rows[i].Utterance.Voice);
        }

        return Engine.VocodeAsync(batch, cancellationToken);
    }

    private static void DeliverPcm(VocoderRow row, PcmChunk pcm) => row.Utterance.Deliver(pcm);

    public async ValueTask DisposeAsync()
    {
        if (_streaming is not null)
        {
            await _streaming.DisposeAsync().ConfigureAwait(false);
        }

        if (_generator is not null)
        {
            await _generator.DisposeAsync().ConfigureAwait(false);
        }

        if (_vocoder is not null)
        {
            await _vocoder.DisposeAsync().ConfigureAwait(false);
        }
    }
}
