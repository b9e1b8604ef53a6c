using System.Diagnostics;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL server (Debian's postgresql) for record tests: initdb in a temporary
/// directory, listening on a free loopback port with trust authentication, stopped and removed at
/// the end. As root the server runs as the postgres user (it refuses to run as root).
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;
    private readonly int _port;

    private PostgresServer(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        _port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=voiceagent;Database=postgres;Pooling=true";
    }

    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (scripts/setup.sh does).");
        }

        var directory = Directory.CreateTempSubdirectory("voiceagent-pg-").FullName;
        var port = FreePorts.Tcp();
        var server = new PostgresServer(directory, bin, port);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        await server.RunAsPostgresAsync("initdb", ["-D", Path.Combine(directory, "data"), "-A", "trust", "-U", "voiceagent", "--no-sync"]);
        await server.ResumeAsync();
        return server;
    }

    /// <summary>Stops the server (an outage: connections are refused) until <see cref="ResumeAsync"/>.</summary>
    public Task StopAsync() => RunAsPostgresAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public Task ResumeAsync() => RunAsPostgresAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "log"), "-w", "-t", "30",
        "-o", $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);

    private Task RunAsPostgresAsync(string tool, string[] args)
        => Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsPostgresAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }
}
