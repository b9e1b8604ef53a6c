using Npgsql;
using NpgsqlTypes;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Storage;

/// <summary>
/// Call records in PostgreSQL (Storage:Postgres:ConnectionString): the same table as SQLite, with
/// the view as jsonb, created at start-up. For deployments that share records between hosts or
/// want them in their own database.
/// </summary>
internal sealed class PostgresCallStore : CallRecordStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    public PostgresCallStore(string connectionString, ILogger<PostgresCallStore> logger)
        : base(logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _location = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}"; // never the password
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override string Location => _location;

    protected override async Task<int> InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand($$"""
                CREATE TABLE IF NOT EXISTS calls (
                    id TEXT PRIMARY KEY,
                    started_at TIMESTAMPTZ NOT NULL,
                    direction TEXT NOT NULL,
                    state TEXT NOT NULL,
                    end_reason TEXT,
                    from_uri TEXT NOT NULL,
                    to_uri TEXT NOT NULL,
                    view JSONB NOT NULL);
                CREATE INDEX IF NOT EXISTS calls_started_at ON calls(started_at);
                UPDATE calls SET state = 'ended', end_reason = '{{CrashedReason}}',
                    view = jsonb_set(jsonb_set(view, '{state}', '"ended"'), '{endReason}', '"{{CrashedReason}}"')
                WHERE state <> 'ended';
                """);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw new StartupException($"cannot use the call record database {_location} (Storage:Postgres:ConnectionString): {ex.Message}");
        }
    }

    protected override async Task WriteAsync(IReadOnlyList<CallView> views)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var view in views)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO calls (id, started_at, direction, state, end_reason, from_uri, to_uri, view)
                VALUES (@id, @started, @direction, @state, @reason, @from, @to, @view)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, end_reason = excluded.end_reason, view = excluded.view
                """, connection, transaction);
            command.Parameters.AddWithValue("id", view.Id);
            command.Parameters.AddWithValue("started", view.StartedAt.UtcDateTime);
            command.Parameters.AddWithValue("direction", view.Direction);
            command.Parameters.AddWithValue("state", view.State);
            command.Parameters.AddWithValue("reason", (object?)view.EndReason ?? DBNull.Value);
            command.Parameters.AddWithValue("from", WithoutNul(view.From));
            command.Parameters.AddWithValue("to", WithoutNul(view.To));
            command.Parameters.Add(new NpgsqlParameter("view", NpgsqlDbType.Jsonb) { Value = Serialize(view).Replace("\\u0000", "\\uFFFD", StringComparison.Ordinal) });
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// PostgreSQL text and jsonb cannot hold U+0000 (SQLSTATE 22021, 22P05), and a caller chooses
    /// its From and To: a NUL becomes U+FFFD instead of a record the database refuses.
    /// </summary>
    private static string WithoutNul(string text) => text.Replace('\0', '\uFFFD');

    /// <summary>Class 22 (data exception) and 23 (integrity constraint): this record's content, not an outage.</summary>
    protected override bool IsDataError(Exception exception)
        => base.IsDataError(exception) || exception is PostgresException { SqlState: ['2', '2' or '3', ..] };

    public override async Task<string?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT view::text FROM calls WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public override async Task<(IReadOnlyList<(string Id, string View)> Page, long Total)> QueryAsync(CallQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        await using var select = connection.CreateCommand();
        var filter = CallQuerySql.Where(query, "@", (name, value) =>
        {
            count.Parameters.AddWithValue(name[1..], value);
            select.Parameters.AddWithValue(name[1..], value);
        }, "strpos({0}, {1}) > 0", at => at.UtcDateTime);
        count.CommandText = $"SELECT COUNT(*) FROM calls {filter}";
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        select.CommandText = $"""
            SELECT id, view::text FROM (SELECT id, view, started_at FROM calls {filter} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset) AS page
            ORDER BY started_at, id
            """;
        select.Parameters.AddWithValue("limit", query.Limit);
        select.Parameters.AddWithValue("offset", query.Offset);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var page = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add((reader.GetString(0), reader.GetString(1)));
        }

        return (page, total);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
