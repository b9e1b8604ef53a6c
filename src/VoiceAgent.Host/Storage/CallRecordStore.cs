using System.Text.Json;
using System.Threading.Channels;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// Durable call records. Every change of a call is queued and written by one background writer,
/// which coalesces bursts (a call changes many times a second while it speaks) into one
/// transaction, so no call ever waits on the database. Calls still live at a crash are marked
/// <c>host-restarted</c> on the next start. The backends are SQLite (default) and PostgreSQL.
/// </summary>
internal abstract class CallRecordStore(ILogger logger) : IHostedService, IAsyncDisposable
{
    public const string CrashedReason = "host-restarted";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<CallRecord> _changes = Channel.CreateUnbounded<CallRecord>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writer;

    /// <summary>Where the records are, for the start-up log line.</summary>
    protected abstract string Location { get; }

    public static string Serialize(CallView view) => JsonSerializer.Serialize(view, Json);

    /// <summary>Queues the record for writing (called on every change; never blocks the call).</summary>
    public void Enqueue(CallRecord record) => _changes.Writer.TryWrite(record);

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
        var batch = new Dictionary<string, CallRecord>(StringComparer.Ordinal);
        while (await _changes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (_changes.Reader.TryRead(out var record))
            {
                batch[record.Id] = record;
            }

            try
            {
                await WriteAsync([.. batch.Values.Select(r => r.ToView())]);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // A full disk or an unreachable database must not take calls down; the next change writes again.
                StorageLog.WriteFailed(logger, ex);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
