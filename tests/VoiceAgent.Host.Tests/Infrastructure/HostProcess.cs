using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// The VoiceAgent host as its own process (the built VoiceAgent.Host.dll run by <c>dotnet</c>), so a
/// test can kill it the hard way (SIGKILL) and start it again on the same data.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, int sipPort, int httpPort)
    {
        _process = process;
        SipPort = sipPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SipPort { get; }

    /// <summary>The host's process id (for /proc/&lt;pid&gt;/status VmRSS and /proc/&lt;pid&gt;/stat CPU times).</summary>
    public int ProcessId => _process.Id;

    public HttpClient Http { get; }

    public string Uri(string user = "bot") => $"sip:{user}@127.0.0.1:{SipPort}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="storage">Where records go: an SQLite file path, or a PostgreSQL connection string (with <c>Host=</c>).</param>
    public static Task<HostProcess> StartAsync(string storage, params string[] extraArgs)
        => StartInAsync(AppContext.BaseDirectory, storage, extraArgs);

    /// <param name="workingDirectory">The directory the host is started from (what relative paths in its configuration mean).</param>
    public static async Task<HostProcess> StartInAsync(string workingDirectory, string storage, params string[] extraArgs)
    {
        var sipPort = FreePorts.Udp();
        var rtp = FreePorts.UdpRange(40);
        var httpPort = FreePorts.Tcp();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Host.dll"),
            "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={sipPort}", $"--Rtp:PortMin={rtp.Min}", $"--Rtp:PortMax={rtp.Max}",
            $"--urls=http://127.0.0.1:{httpPort}",
            storage.StartsWith("Host=", StringComparison.Ordinal) ? $"--Storage:Postgres:ConnectionString={storage}" : $"--Storage:Sqlite:Path={storage}",
        }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new HostProcess(process, sipPort, httpPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host process did not become ready. Output:\n{Output}");
    }

    public async Task<IReadOnlyList<CallView>> GetCallsAsync()
        => await Http.GetFromJsonAsync<List<CallView>>("/v1/calls") ?? [];

    public async Task<CallView> WaitForCallAsync(Func<CallView, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await GetCallsAsync()).LastOrDefault(condition) is { } call)
            {
                return call;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No call reached the expected state.");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
