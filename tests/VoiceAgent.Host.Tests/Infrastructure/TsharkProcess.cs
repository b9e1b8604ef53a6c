using System.Diagnostics;
using System.Globalization;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// tshark on the loopback interface printing one line of fields per packet. Stopped with SIGINT so it
/// flushes and takes its dumpcap child with it (a plain kill leaves dumpcap holding the output pipe).
/// </summary>
internal sealed class TsharkProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _capturing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TsharkProcess(Process process) => _process = process;

    /// <summary>Starts tshark with <paramref name="arguments"/> (after <c>-i lo -l</c>); returns once it captures.</summary>
    public static async Task<TsharkProcess> StartAsync(IEnumerable<string> arguments, Action<string> onLine)
    {
        RequiredTool.Find("tshark", "tshark");
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-i", "lo", "-l" }.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }

        var tshark = new TsharkProcess(Process.Start(start) ?? throw new InvalidOperationException("tshark did not start"));
        tshark._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onLine(line);
            }
        };
        tshark._process.ErrorDataReceived += (_, e) =>
        {
            // "Capturing on" comes before dumpcap really captures; "Capture started" once it does.
            if (e.Data?.Contains("Capture started", StringComparison.Ordinal) == true)
            {
                tshark._capturing.TrySetResult();
            }
        };
        tshark._process.BeginOutputReadLine();
        tshark._process.BeginErrorReadLine();
        await tshark._capturing.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return tshark;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
