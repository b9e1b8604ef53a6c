using System.Threading.Channels;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Pipeline.Batching;

/// <summary>
/// The queue in front of a shared stage: one bounded channel per <see cref="SpeechPriority"/>, read call rows first,
/// so the speech API's rows never stand in front of a call's. Within a priority rows keep their order.
/// </summary>
internal sealed class RowQueue<T>
    where T : IStageRow
{
    private readonly Channel<T> _calls;
    private readonly Channel<T> _background;
    private Task<bool>? _callsArrival;
    private Task<bool>? _backgroundArrival;

    public RowQueue(int capacity)
    {
        // Bounded, many writers (stage 1 of every session), one reader (the stage's loop). Writers wait:
        // a full queue is backpressure to the sessions, never a drop. One such channel per priority.
        _calls = Create(capacity);
        _background = Create(capacity);
    }

    public ValueTask WriteAsync(T row, CancellationToken cancellationToken) => Of(row).Writer.WriteAsync(row, cancellationToken);

    public bool TryWrite(T row) => Of(row).Writer.TryWrite(row);

    public void Complete()
    {
        _calls.Writer.TryComplete();
        _background.Writer.TryComplete();
    }

    /// <summary>A call's row waits to be read.</summary>
    public bool HasCallRows => _calls.Reader.Count > 0;

    /// <summary>The next row, a call's before the speech API's.</summary>
    public bool TryRead(out T row) => _calls.Reader.TryRead(out row!) || _background.Reader.TryRead(out row!);

    /// <summary>
    /// Waits until a row is queued; false when both queues are completed and empty. The wait on each channel is kept
    /// across calls while it is pending, so an idle priority does not collect a waiter per call.
    /// </summary>
    public async Task<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        while (_calls.Reader.Count == 0 && _background.Reader.Count == 0)
        {
            // The kept waits take no token (a batching window's token would cancel them later, under another caller);
            // this caller's token bounds only its own wait on them.
            var calls = _callsArrival is { IsCompleted: false } c ? c : _callsArrival = _calls.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
            var background = _backgroundArrival is { IsCompleted: false } b ? b : _backgroundArrival = _background.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
            var first = await Task.WhenAny(calls, background).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!await first.ConfigureAwait(false) && !await (first == calls ? background : calls).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A batch: waits for the first row, then takes what is queued, call rows first (and, when <paramref name="maxWait"/>
    /// is positive, what arrives within it) up to <paramref name="maxBatchSize"/>. False when completed and drained.
    /// </summary>
    public async ValueTask<bool> ReadBatchAsync(List<T> batch, int maxBatchSize, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        batch.Clear();
        if (!await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Drain(batch, maxBatchSize);
        if (maxWait <= TimeSpan.Zero || batch.Count >= maxBatchSize)
        {
            return true;
        }

        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(maxWait);
        try
        {
            while (batch.Count < maxBatchSize && await WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                Drain(batch, maxBatchSize);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The batching window closed: run with what we have.
        }

        return true;
    }

    private void Drain(List<T> batch, int maxBatchSize)
    {
        while (batch.Count < maxBatchSize && TryRead(out var row))
        {
            batch.Add(row);
        }
    }

    private Channel<T> Of(T row) => row.Utterance.Priority == SpeechPriority.Call ? _calls : _background;

    private static Channel<T> Create(int capacity) => Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });
}
