namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Storage</c> section: where call records are kept.</summary>
/// <param name="SqlitePath">Storage:Sqlite:Path, relative to the working directory unless absolute.</param>
/// <param name="PostgresConnectionString">Storage:Postgres:ConnectionString; when set, records go to PostgreSQL instead.</param>
internal sealed record StorageSettings(string SqlitePath, string? PostgresConnectionString = null)
{
    public static StorageSettings Load(ConfigurationReader reader)
    {
        var postgres = reader.ReadString("Storage:Postgres:ConnectionString", string.Empty, allowEmpty: true);
        if (postgres.Length > 0)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
            }
            catch (ArgumentException ex)
            {
                throw new ConfigurationException($"Storage:Postgres:ConnectionString is not a valid connection string: {ex.Message}");
            }
        }

        var sqlitePath = reader.ReadPath("Storage:Sqlite:Path", Path.Combine("data", "voiceagent.db"));
        if (postgres.Length == 0)
        {
            EnsureDirectory(sqlitePath);
        }

        return new StorageSettings(sqlitePath, postgres.Length == 0 ? null : postgres);
    }

    /// <summary>
    /// Creates the database's directory now, so that a path that cannot hold one (a file in the way,
    /// a read-only or full file system) stops start-up with one line naming the key, like any other
    /// bad value, instead of failing later inside the host's start.
    /// </summary>
    private static void EnsureDirectory(string databasePath)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ConfigurationException($"Storage:Sqlite:Path: cannot create the directory of {databasePath}: {ex.Message}");
        }
    }
}
