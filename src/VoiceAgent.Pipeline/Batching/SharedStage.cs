using Microsoft.Extensions.Logging;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Pipeline.Batching;

/// <summary>
/// One shared worker of a model stage: takes rows from every session's utterances, runs them as a
/// batch and hands each result back to its own utterance. Rows keep their queue order, so an
/// utterance's chunks leave in the order they came. A failing batch is retried row by row so one
/// session's bad input never fails another session's speech.
/// </summary>
internal sealed class SharedStage<TIn, TOut> : IAsyncDisposable
    where TIn : IStageRow
{
    private readonly RowQueue<TIn> _queue;
    private readonly Func<IReadOnlyList<TIn>, CancellationToken, ValueTask<IReadOnlyList<TOut>>> _run;
    private readonly Action<TIn, TOut> _deliver;
    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public SharedStage(
        string name,
        PipelineOptions options,
        Func<IReadOnlyList<TIn>, CancellationToken, ValueTask<IReadOnlyList<TOut>>> run,
        Action<TIn, TOut> deliver,
        ILogger logger)
    {
        _name = name;
        _options = options;
        _run = run;
        _deliver = deliver;
        _logger = logger;
        // Bounded per priority, many writers, one reader (this loop); writers wait (see RowQueue).
        _queue = new RowQueue<TIn>(options.StageQueueCapacity);
        _loop = Task.Run(RunLoopAsync);
    }

    public ValueTask EnqueueAsync(TIn row, CancellationToken cancellationToken) => _queue.WriteAsync(row, cancellationToken);

    /// <summary>For stages fed by another stage's loop: the queue is sized so this only fails after shutdown.</summary>
    public bool TryEnqueue(TIn row) => _queue.TryWrite(row);

    private async Task RunLoopAsync()
    {
        var batch = new List<TIn>(_options.MaxBatchSize);
        var live = new List<TIn>(_options.MaxBatchSize);
        try
        {
            while (await _queue.ReadBatchAsync(batch, _options.MaxBatchSize, _options.MaxBatchWait, _stopping.Token).ConfigureAwait(false))
            {
                live.Clear();
                foreach (var row in batch)
                {
                    // Barge-in or hang-up cancelled this row's utterance: skip the model work.
                    if (!row.Utterance.IsCancelled)
                    {
                        live.Add(row);
                    }
                }

                if (live.Count > 0)
                {
                    await RunBatchAsync(live).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunBatchAsync(List<TIn> rows)
    {
        try
        {
            var results = await _run(rows, _stopping.Token).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                Deliver(rows[i], results[i]);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            if (rows.Count == 1)
            {
                PipelineLog.StageRowFailed(_logger, ex, _name, rows[0].Utterance.SessionId);
                rows[0].Utterance.Fail(ex);
                return;
            }

            foreach (var row in rows)
            {
                await RunBatchAsync([row]).ConfigureAwait(false);
            }
        }
    }

    private void Deliver(TIn row, TOut result)
    {
        try
        {
            _deliver(row, result);
        }
        catch (Exception ex)
        {
            // A delivery failure belongs to that row's utterance, never to the shared loop.
            PipelineLog.StageRowFailed(_logger, ex, _name, row.Utterance.SessionId);
            row.Utterance.Fail(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
