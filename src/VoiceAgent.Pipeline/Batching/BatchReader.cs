using System.Threading.Channels;

namespace VoiceAgent.Pipeline.Batching;

/// <summary>
/// Takes a batch from a shared stage queue: waits for the first row, then gathers what else is
/// queued (and, when <c>maxWait</c> is positive, what arrives within it) up to <c>maxBatchSize</c>.
/// </summary>
internal static class BatchReader
{
    /// <returns>False when the queue is completed and drained.</returns>
    public static async ValueTask<bool> ReadBatchAsync<T>(
        ChannelReader<T> reader, List<T> batch, int maxBatchSize, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        batch.Clear();
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Drain(reader, batch, maxBatchSize);
        if (maxWait <= TimeSpan.Zero || batch.Count >= maxBatchSize)
        {
            return true;
        }

        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(maxWait);
        try
        {
            while (batch.Count < maxBatchSize && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                Drain(reader, batch, maxBatchSize);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The batching window closed: run with what we have.
        }

        return true;
    }

    private static void Drain<T>(ChannelReader<T> reader, List<T> batch, int maxBatchSize)
    {
        while (batch.Count < maxBatchSize && reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }
}
