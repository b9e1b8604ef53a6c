using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// Durable call records in SQLite (WAL). Every change of a call is queued and written by one
/// background writer, which coalesces bursts (a call changes many times a second while it speaks)
/// into one transaction. WAL with synchronous=NORMAL keeps committed records through a crash of
/// the process (kill -9); calls still live at a crash are marked <c>host-restarted</c> on the next start.
/// </summary>
internal sealed class SqliteCallStore : IHostedService, IAsyncDisposable
{
    public const string CrashedReason = "host-restarted";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<CallRecord> _changes = Channel.CreateUnbounded<CallRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly string _path;
    private readonly ILogger<SqliteCallStore> _logger;
    private Task? _writer;

    public SqliteCallStore(StorageSettings settings, ILogger<SqliteCallStore> logger)
    {
        _path = settings.SqlitePath;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = true }.ToString();
        _logger = logger;
    }

    public static string Serialize(CallView view) => JsonSerializer.Serialize(view, Json);

    /// <summary>Queues the record for writing (called on every change; never blocks the call).</summary>
    public void Enqueue(CallRecord record) => _changes.Writer.TryWrite(record);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS calls (
                    id TEXT PRIMARY KEY,
                    started_at TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    state TEXT NOT NULL,
                    end_reason TEXT,
                    from_uri TEXT NOT NULL,
                    to_uri TEXT NOT NULL,
                    view TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS calls_started_at ON calls(started_at);
                """, cancellationToken);
            var crashed = await ExecuteAsync(connection, $"""
                UPDATE calls SET state = 'ended', end_reason = '{CrashedReason}',
                    view = json_set(view, '$.state', 'ended', '$.endReason', '{CrashedReason}')
                WHERE state <> 'ended';
                """, cancellationToken);
            StorageLog.Opened(_logger, _path, crashed);
        }
        catch (SqliteException ex)
        {
            throw new StartupException($"cannot open the call record database {_path} (Storage:Sqlite:Path): {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StartupException($"cannot create the call record database {_path} (Storage:Sqlite:Path): {ex.Message}");
        }

        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

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
                await WriteAsync(batch.Values);
            }
            catch (SqliteException ex)
            {
                // A full disk or a locked file must not take calls down; the next change writes again.
                StorageLog.WriteFailed(_logger, ex);
            }
        }
    }

    private async Task WriteAsync(IEnumerable<CallRecord> records)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO calls (id, started_at, direction, state, end_reason, from_uri, to_uri, view)
            VALUES ($id, $started, $direction, $state, $reason, $from, $to, $view)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, end_reason = excluded.end_reason, view = excluded.view;
            """;
        foreach (var record in records)
        {
            var view = record.ToView();
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", view.Id);
            command.Parameters.AddWithValue("$started", Timestamp(view.StartedAt));
            command.Parameters.AddWithValue("$direction", view.Direction);
            command.Parameters.AddWithValue("$state", view.State);
            command.Parameters.AddWithValue("$reason", (object?)view.EndReason ?? DBNull.Value);
            command.Parameters.AddWithValue("$from", view.From);
            command.Parameters.AddWithValue("$to", view.To);
            command.Parameters.AddWithValue("$view", Serialize(view));
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The stored JSON of one call, or null.</summary>
    public async Task<string?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT view FROM calls WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>A page of calls as (id, stored JSON), oldest first, and how many match in all.</summary>
    public async Task<(IReadOnlyList<(string Id, string View)> Page, long Total)> QueryAsync(CallQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add("started_at >= $since");
            command.Parameters.AddWithValue("$since", Timestamp(since));
        }

        if (query.Until is { } until)
        {
            where.Add("started_at < $until");
            command.Parameters.AddWithValue("$until", Timestamp(until));
        }

        if (query.Direction is { } direction)
        {
            where.Add("direction = $direction");
            command.Parameters.AddWithValue("$direction", direction);
        }

        if (query.Outcome is { } outcome)
        {
            where.Add("end_reason = $outcome");
            command.Parameters.AddWithValue("$outcome", outcome);
        }

        if (query.Number is { } number)
        {
            where.Add("(instr(from_uri, $number) > 0 OR instr(to_uri, $number) > 0)");
            command.Parameters.AddWithValue("$number", number);
        }

        var filter = where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
        command.CommandText = $"""
            SELECT COUNT(*) FROM calls {filter};
            SELECT id, view FROM (SELECT id, view, started_at FROM calls {filter} ORDER BY started_at DESC, id DESC LIMIT $limit OFFSET $offset)
            ORDER BY started_at, id;
            """;
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var page = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add((reader.GetString(0), reader.GetString(1)));
        }

        return (page, total);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;", cancellationToken);
        return connection;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _changes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        SqliteConnection.ClearAllPools();
    }
}
