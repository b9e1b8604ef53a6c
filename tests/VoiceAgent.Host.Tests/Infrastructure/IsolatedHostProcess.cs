using System.Diagnostics;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// The host as its own process inside a fresh network namespace (<c>unshare -n</c>, then <c>ip link set lo up</c>):
/// only its own loopback exists there, so a test that asks it to dial or fetch a non-loopback address can never
/// send traffic off the machine, even if the defence under test regresses. The test talks to it with
/// <c>nsenter -t &lt;pid&gt; -n curl</c>. Ports are the namespace's own, so fixed ones are safe.
/// </summary>
internal sealed class IsolatedHostProcess : IAsyncDisposable
{
    public const int HttpPort = 8080;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private IsolatedHostProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>Starts the host (SIP on 127.0.0.1:5060, HTTP on 127.0.0.1:8080 of the namespace) without waiting for it.</summary>
    public static IsolatedHostProcess Start(params string[] extraArgs)
    {
        RequiredTool.Find("unshare", "util-linux");
        RequiredTool.Find("nsenter", "util-linux");
        RequiredTool.Find("curl", "curl");
        RequiredTool.Find("ip", "iproute2");
        var data = Directory.CreateTempSubdirectory("voiceagent-isolated-").FullName;
        string[] hostArgs =
        [
            Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Host.dll"),
            "--Sip:ListenAddress=127.0.0.1", "--Sip:Port=5060", "--Rtp:PortMin=30000", "--Rtp:PortMax=30100",
            $"--urls=http://127.0.0.1:{HttpPort}", $"--Storage:Sqlite:Path={Path.Combine(data, "calls.db")}",
            .. extraArgs,
        ];
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // exec keeps the pid: it is the host's, and nsenter -t <pid> -n enters its namespace.
        foreach (var arg in new[] { "-n", "sh", "-c", "ip link set lo up && exec dotnet \"$@\"", "sh" }.Concat(hostArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start.");
        var host = new IsolatedHostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if ((await CurlAsync("GET", "/healthz")).Status == 200)
            {
                return;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"The isolated host did not become ready. Output:\n{Output}");
    }

    /// <summary>An HTTP request from inside the namespace; the status (0 when nothing answered) and the body.</summary>
    public async Task<(int Status, string Body)> CurlAsync(string method, string path, string? json = null, params string[] headers)
    {
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { "-t", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "curl", "-s", "-m", "10", "-X", method, "-w", "\n%{http_code}" };
        foreach (var header in headers)
        {
            args.AddRange(["-H", header]);
        }

        if (json is not null)
        {
            args.AddRange(["-H", "Content-Type: application/json", "--data-binary", json]);
        }

        args.Add($"http://127.0.0.1:{HttpPort}{path}");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start) ?? throw new InvalidOperationException("nsenter did not start.");
        var output = await curl.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var newline = output.LastIndexOf('\n');
        var status = int.TryParse(output.AsSpan(newline + 1), out var code) ? code : 0;
        return (status, newline > 0 ? output[..newline] : string.Empty);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
