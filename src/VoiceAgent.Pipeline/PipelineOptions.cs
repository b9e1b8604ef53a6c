namespace VoiceAgent.Pipeline;

/// <summary>Tuning of the shared stages.</summary>
public sealed class PipelineOptions
{
    /// <summary>Most rows the generator or vocoder runs in one batch.</summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// How long a stage waits for more rows after the first one arrives. 0 takes only what is
    /// already queued: the right default for espeak-ng, which gains nothing from batching.
    /// </summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.Zero;

    /// <summary>Capacity of each shared stage queue (rows from all sessions).</summary>
    public int StageQueueCapacity { get; set; } = 256;

    /// <summary>
    /// Chunks of one utterance allowed in flight ahead of its consumer. Bounds memory per call and
    /// keeps the shared stages from ever waiting on a slow consumer.
    /// </summary>
    public int ChunksAheadPerUtterance { get; set; } = 2;

    /// <summary>
    /// Use an engine's <c>IStreamingTtsEngine</c> when it has one: PCM every codec window instead of once per chunk.
    /// False runs such an engine through the one-result-per-row generator and vocoder stages (same samples, later).
    /// </summary>
    public bool StreamWithinChunk { get; set; } = true;

    /// <summary>
    /// Streamed pieces an utterance may hold ahead of its reader; a row whose utterance is full pauses (keeping its
    /// state) until the reader catches up, without holding up other sessions' rows.
    /// </summary>
    public int StreamedPiecesAhead { get; set; } = 16;
}
