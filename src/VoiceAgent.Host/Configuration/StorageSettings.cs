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

        return new StorageSettings(
            reader.ReadPath("Storage:Sqlite:Path", Path.Combine("data", "voiceagent.db")),
            postgres.Length == 0 ? null : postgres);
    }
}
