using System.Globalization;
using Microsoft.Data.Sqlite;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// Call records in SQLite (WAL): the default backend. WAL with synchronous=NORMAL keeps committed
/// records through a crash of the process (kill -9).
/// </summary>
internal sealed class SqliteCallStore : CallRecordStore
{
    private readonly string _connectionString;
    private readonly string _path;

    public SqliteCallStore(StorageSettings settings, ILogger<SqliteCallStore> logger)
        : base(logger)
    {
        _path = settings.SqlitePath;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = true }.ToString();
    }

    protected override string Location => _path;

    protected override async Task<int> InitializeAsync(CancellationToken cancellationToken)
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
            return await ExecuteAsync(connection, $"""
                UPDATE calls SET state = 'ended', end_reason = '{CrashedReason}',
                    view = json_set(view, '$.state', 'ended', '$.endReason', '{CrashedReason}')
                WHERE state <> 'ended';
                """, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new StartupException($"cannot open the call record database {_path} (Storage:Sqlite:Path): {ex.Message}");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // A file where a directory should be, a read-only or full file system: one line, exit code 2.
            throw new StartupException($"cannot create the call record database {_path} (Storage:Sqlite:Path): {ex.Message}");
        }
    }

    protected override async Task WriteAsync(IReadOnlyList<CallView> views)
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
        foreach (var view in views)
        {
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

    /// <summary>SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH: this record's content, not an outage.</summary>
    protected override bool IsDataError(Exception exception)
        => base.IsDataError(exception) || exception is SqliteException { SqliteErrorCode: 18 or 19 or 20 };

    public override async Task<string?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT view FROM calls WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public override async Task<(IReadOnlyList<(string Id, string View)> Page, long Total)> QueryAsync(CallQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var filter = CallQuerySql.Where(query, "$", (name, value) => command.Parameters.AddWithValue(name, value), "instr({0}, {1}) > 0", Timestamp);
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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
