using System.Diagnostics;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// baresip waiting for calls and answering them at once (<c>answermode=auto</c>), recording what it
/// hears: the callee of outbound-call tests.
/// </summary>
internal sealed class BaresipCallee : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BaresipCallee(string directory, int port, Process process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public string Uri => $"sip:callee@127.0.0.1:{Port}";

    private string RecordingDirectory => Path.Combine(_directory, "rec");

    public static async Task<BaresipCallee> StartAsync()
    {
        RequiredTool.Find("baresip", "baresip");
        var directory = Directory.CreateTempSubdirectory("voiceagent-callee-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "rec"));
        var port = FreePorts.Udp(alsoFree: 1);
        var rtp = FreePorts.UdpRange(20);
        var source = Path.Combine(directory, "mic.wav");
        WavFile.Silence(8000, TimeSpan.FromSeconds(60)).Write(source, channels: 1);
        File.WriteAllText(Path.Combine(directory, "config"), $"""
            poll_method     epoll
            sip_listen      127.0.0.1:{port}
            audio_player    aufile,/dev/null
            audio_source    aufile,{source}
            module_path     /usr/lib/baresip/modules
            module          stdio.so
            module          g711.so
            module          sndfile.so
            module          aufile.so
            module_app      account.so
            module_app      menu.so
            snd_path        {Path.Combine(directory, "rec")}
            rtp_ports       {rtp.Min}-{rtp.Max}
            """);
        File.WriteAllText(Path.Combine(directory, "accounts"), $"<sip:callee@127.0.0.1:{port}>;regint=0;answermode=auto\n");
        var start = new ProcessStartInfo("baresip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-n", "127.0.0.1", "-f", directory })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start.");
        var callee = new BaresipCallee(directory, port, process);
        process.OutputDataReceived += (_, e) => callee.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => callee.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await callee._ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return callee;
    }

    private void OnOutput(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line?.Contains("Populated 1 account", StringComparison.Ordinal) == true)
        {
            // The listener is bound before the accounts are read.
            _ready.TrySetResult();
        }

        if (line?.Contains("Call established", StringComparison.Ordinal) == true)
        {
            _answered.TrySetResult();
        }

        if (line?.Contains(" terminated (duration", StringComparison.Ordinal) == true)
        {
            _terminated.TrySetResult();
        }
    }

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

    /// <summary>Presses a key in the current call (baresip sends it as an RFC 4733 event).</summary>
    public async Task PressAsync(char key)
    {
        await _process.StandardInput.WriteAsync(key);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Completes when baresip has answered a call.</summary>
    public Task Answered => _answered.Task;

    /// <summary>Waits until the call is over and returns what baresip heard.</summary>
    public async Task<WavFile> WaitForCallEndAsync(TimeSpan timeout)
    {
        try
        {
            await _terminated.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The callee's call did not end. Output:\n{Output}");
        }

        await Task.Delay(300); // sndfile closes the file after the call
        var recording = Directory.GetFiles(RecordingDirectory, "dump-*-dec.wav").OrderBy(File.GetLastWriteTimeUtc).LastOrDefault()
            ?? throw new InvalidOperationException($"baresip recorded nothing. Output:\n{Output}");
        return WavFile.Read(recording);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
