using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// Durable call records. Every change of a call marks the call pending; one background writer
/// writes the pending calls' newest state in one transaction, so no call ever waits on the
/// database and a burst of changes to one call costs one write. A failed write (a full disk, an
/// unreachable database) keeps the calls pending and is retried with back-off until it succeeds:
/// nothing that happened during an outage is lost once the storage recovers. Calls still live at a
/// crash are marked <c>host-restarted</c> on the next start. The backends are SQLite (default) and PostgreSQL.
/// </summary>
internal abstract class CallRecordStore(ILogger logger) : IHostedService, IAsyncDisposable
{
    public const string CrashedReason = "host-restarted";

    /// <summary>Calls with unwritten changes the store keeps through an outage (hours of calls at any realistic rate).</summary>
    public const int MaxPendingCalls = 10_000;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Counter<long> FailedWrites = HostMetrics.Meter.CreateCounter<long>("voiceagent.storage.write_failures", "{write}", "Call record writes that failed and are retried");
    private static readonly Counter<long> Outages = HostMetrics.Meter.CreateCounter<long>("voiceagent.storage.outages", "{outage}", "Periods during which call records could not be written");
    private static readonly Counter<long> Dropped = HostMetrics.Meter.CreateCounter<long>("voiceagent.storage.records_dropped", "{call}", "Call records never written: more calls pending than the store keeps, or still failing at shutdown");

    // The newest state of a call is the record itself: one entry per call with unwritten changes, so the queue is bounded by calls, not by changes.
    private readonly PendingCalls _pending = new(MaxPendingCalls);

    // Wake-ups for the writer: capacity 1, DropWrite (a pending wake-up already covers every change), single reader.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _writer;
    private int _refusing;

    /// <summary>Where the records are, for the start-up log line.</summary>
    protected abstract string Location { get; }

    /// <summary>Calls whose newest state is not yet written.</summary>
    public int PendingCount => _pending.Count;

    public static string Serialize(CallView view) => JsonSerializer.Serialize(view, Json);

    /// <summary>Marks the record for writing (called on every change; never blocks the call).</summary>
    public void Enqueue(CallRecord record)
    {
        if (!_pending.TryAdd(record))
        {
            Dropped.Add(1);
            if (Interlocked.Exchange(ref _refusing, 1) == 0)
            {
                StorageLog.PendingFull(logger, record.Id, MaxPendingCalls); // once per episode, not per change
            }

            return;
        }

        Volatile.Write(ref _refusing, 0);

        if (!_wake.Writer.TryWrite(true) && _writer is { IsCompleted: true })
        {
            // Changed after the store stopped (the host stops it after the SIP side, so only a call outliving shutdown).
            Dropped.Add(1);
            StorageLog.LostAtShutdown(logger, 1);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var crashed = await InitializeAsync(cancellationToken);
        StorageLog.Opened(logger, Location, crashed);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>Creates the schema and marks the calls left live by a crash; returns how many.</summary>
    protected abstract Task<int> InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Upserts the views in one transaction.</summary>
    protected abstract Task WriteAsync(IReadOnlyList<CallView> views);

    /// <summary>The stored JSON of one call, or null.</summary>
    public abstract Task<string?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>A page of calls as (id, stored JSON), oldest first, and how many match in all.</summary>
    public abstract Task<(IReadOnlyList<(string Id, string View)> Page, long Total)> QueryAsync(CallQuery query, CancellationToken cancellationToken);

    private async Task WriteLoopAsync()
    {
        var outage = new StorageOutage();
        while (await _wake.Reader.WaitToReadAsync())
        {
            _wake.Reader.TryRead(out _);
            if (!await DrainAsync(outage))
            {
                return;
            }
        }

        // Changes made while the wake-up channel completed (calls ending during shutdown).
        await DrainAsync(outage);
    }

    /// <summary>Writes until nothing is pending; false when it gave up at shutdown (the rest counted as dropped).</summary>
    private async Task<bool> DrainAsync(StorageOutage outage)
    {
        while (_pending.Count > 0)
        {
            // Taken before the snapshot: a change after it marks the call pending again.
            var batch = _pending.TakeAll();
            var failure = await WriteBatchAsync(batch);
            if (failure is null)
            {
                if (outage.End() is { } duration)
                {
                    StorageLog.Recovered(logger, duration.TotalSeconds, outage.Failures, _pending.Count + batch.Count);
                }

                continue;
            }

            FailedWrites.Add(1);
            if (outage.Begin())
            {
                Outages.Add(1);
                StorageLog.OutageBegan(logger, _pending.Count, failure);
            }
            else
            {
                StorageLog.StillFailing(logger, _pending.Count, failure.Message);
            }

            if (_stopping.IsCancellationRequested)
            {
                Dropped.Add(_pending.Count);
                StorageLog.LostAtShutdown(logger, _pending.Count);
                return false;
            }

            try
            {
                await Task.Delay(outage.NextDelay(FirstRetry, LastRetry), _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: one last try.
            }
        }

        return true;
    }

    /// <summary>
    /// Writes the batch in one transaction; when the database refuses one record's data (not an
    /// outage), writes them one by one so that record alone is dropped (counted) instead of holding
    /// every other call's record back forever. Returns the storage failure, with the unwritten
    /// records back in the pending set, or null.
    /// </summary>
    private async Task<Exception?> WriteBatchAsync(List<CallRecord> batch)
    {
        try
        {
            await WriteAsync([.. batch.Select(r => r.ToView())]);
            return null;
        }
        catch (Exception ex) when (IsDataError(ex))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    await WriteAsync([batch[i].ToView()]);
                }
                catch (Exception rowError) when (IsDataError(rowError))
                {
                    Dropped.Add(1);
                    StorageLog.RecordRefused(logger, batch[i].Id, rowError);
                }
                catch (Exception rowError) when (IsStorageFailure(rowError))
                {
                    _pending.Return(batch[i..]);
                    return rowError;
                }
            }

            return null;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            _pending.Return(batch);
            return ex;
        }
    }

    /// <summary>The database refused a record's content (not the storage failing): retrying it cannot succeed.</summary>
    protected virtual bool IsDataError(Exception exception) => exception is JsonException or NotSupportedException or ArgumentException;

    private static bool IsStorageFailure(Exception ex)
        => ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _wake.Writer.TryComplete();
        if (_writer is not null)
        {
            // A failing store keeps retrying until the host's shutdown timeout, then gives up (counted).
            using var giveUp = cancellationToken.Register(_stopping.Cancel);
            await _writer.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _wake.Writer.TryComplete();
        await _stopping.CancelAsync();
        if (_writer is not null)
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

    }
}
