using System.Globalization;
using System.Net;
using System.Numerics;

namespace VoiceAgent.Host.Configuration;

/// <summary>
/// Reads typed values from configuration with one clear message naming the key when a value is
/// wrong, instead of the binder's exception deep inside start-up.
/// </summary>
/// <param name="baseDirectory">What relative paths are relative to; null for the working directory the host started in.</param>
internal sealed class ConfigurationReader(IConfiguration configuration, string? baseDirectory = null)
{
    /// <summary>
    /// The working directory the process started in: the one place relative paths in configuration are
    /// resolved against (README: "relative to the working directory"). scripts/start.sh and
    /// <c>dotnet run</c> keep the caller's directory, so a path typed from the repository root means that.
    /// </summary>
    public static string StartDirectory { get; } = Environment.CurrentDirectory;

    public string BaseDirectory { get; } = baseDirectory ?? StartDirectory;

    /// <summary>A file or directory path made absolute against <see cref="BaseDirectory"/>; empty stays empty.</summary>
    /// <param name="mustExist">True when the path must name an existing file or directory (a model pack).</param>
    public string ReadPath(string key, string defaultValue, bool mustExist = false)
    {
        // A key whose default is empty may be empty (no model pack); the others must name something.
        var value = ReadString(key, defaultValue, allowEmpty: defaultValue.Length == 0);
        if (value.Length == 0)
        {
            return value;
        }

        var path = Path.GetFullPath(value, BaseDirectory);
        if (mustExist && !Directory.Exists(path) && !File.Exists(path))
        {
            throw new ConfigurationException(Path.IsPathRooted(value)
                ? $"{key}: '{path}' does not exist."
                : $"{key}: '{path}' does not exist ('{value}' is relative to the working directory {BaseDirectory}).");
        }

        return path;
    }

    public string ReadString(string key, string defaultValue, bool allowEmpty = false)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (!allowEmpty && string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigurationException($"{key} must not be empty.");
        }

        return value.Trim();
    }

    /// <summary>The keys and values directly under <paramref name="section"/> (e.g. Inbound:Numbers:sales).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ReadChildren(string section)
        => [.. configuration.GetSection(section).GetChildren().Where(c => c.Value is not null).Select(c => KeyValuePair.Create(c.Key, c.Value!.Trim()))];

    /// <summary>The names of the subsections under <paramref name="section"/> (e.g. the pack names under Tts:Packs).</summary>
    public IReadOnlyList<string> ReadSectionNames(string section)
        => [.. configuration.GetSection(section).GetChildren().Select(c => c.Key)];

    public int ReadInt(string key, int defaultValue, int min, int max)
        => ReadNumber(key, defaultValue, min, max, NumberStyles.Integer, "an integer");

    public double ReadDouble(string key, double defaultValue, double min, double max)
        => ReadNumber(key, defaultValue, min, max, NumberStyles.Float, "a number");

    private T ReadNumber<T>(string key, T defaultValue, T min, T max, NumberStyles styles, string kind)
        where T : INumber<T>
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (!T.TryParse(value, styles, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            throw new ConfigurationException(string.Create(CultureInfo.InvariantCulture, $"{key} must be {kind} from {min} to {max}; got '{value}'."));
        }

        return parsed;
    }

    public bool ReadBool(string key, bool defaultValue)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (!bool.TryParse(value, out var parsed))
        {
            throw new ConfigurationException($"{key} must be true or false; got '{value}'.");
        }

        return parsed;
    }

    public IPAddress ReadIpAddress(string key, string defaultValue)
    {
        var value = ReadString(key, defaultValue);
        if (!IPAddress.TryParse(value, out var address))
        {
            throw new ConfigurationException($"{key} must be an IP address (e.g. 0.0.0.0 or 192.0.2.10); got '{value}'.");
        }

        return address;
    }
}
