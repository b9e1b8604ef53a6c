namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Storage</c> section: where call records are kept.</summary>
/// <param name="SqlitePath">Storage:Sqlite:Path, relative to the working directory unless absolute.</param>
internal sealed record StorageSettings(string SqlitePath)
{
    public static StorageSettings Load(ConfigurationReader reader)
    {
        if (reader.ReadString("Storage:Postgres:ConnectionString", string.Empty, allowEmpty: true).Length > 0)
        {
            throw new ConfigurationException("Storage:Postgres:ConnectionString is not supported by this build yet; call records are kept in SQLite (Storage:Sqlite:Path).");
        }

        return new StorageSettings(Path.GetFullPath(reader.ReadString("Storage:Sqlite:Path", Path.Combine("data", "voiceagent.db"))));
    }
}
