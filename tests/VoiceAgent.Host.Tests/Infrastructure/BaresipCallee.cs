using System.Diagnostics;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// baresip waiting for calls and answering them at once (<c>answermode=auto</c>), recording what it
/// hears: the callee of outbound-call tests. Reached directly at its own address, or, with a
/// <see cref="BaresipRegistration"/>, through the trunk it registered at.
/// </summary>
internal sealed class BaresipCallee : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BaresipRegistration? _registration;

    private BaresipCallee(string directory, int port, Process process, BaresipRegistration? registration)
    {
        _directory = directory;
        Port = port;
        _process = process;
        _registration = registration;
    }

    public int Port { get; }

    /// <summary>Where to call it: its AOR at the trunk when registered, else its own address.</summary>
    public string Uri => _registration?.Aor ?? $"sip:callee@127.0.0.1:{Port}";

    private string RecordingDirectory => Path.Combine(_directory, "rec");

    /// <summary>Starts baresip; with <paramref name="registration"/>, returns once the trunk has accepted its REGISTER.</summary>
    public static async Task<BaresipCallee> StartAsync(BaresipRegistration? registration = null)
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
        var account = registration?.AccountLine ?? $"<sip:callee@127.0.0.1:{port}>;regint=0";
        File.WriteAllText(Path.Combine(directory, "accounts"), $"{account};answermode=auto\n");
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
        var callee = new BaresipCallee(directory, port, process, registration);
        process.OutputDataReceived += (_, e) => callee.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => callee.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await callee._ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (registration is not null)
            {
                await callee._registered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (TimeoutException)
        {
            var output = callee.Output;
            await callee.DisposeAsync();
            throw new TimeoutException($"baresip did not get ready{(registration is null ? string.Empty : " and registered at the trunk")} within 10 s. Output:\n{output}");
        }

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

        // "bob@trunk.test: {0/TCP/v4} 200 OK (kamailio ...) [1 binding]": the trunk accepted the REGISTER.
        if (_registration is { } registration && line is not null
            && line.StartsWith($"{registration.Account.User}@{registration.Domain}: ", StringComparison.Ordinal)
            && line.Contains(" 200 OK", StringComparison.Ordinal))
        {
            _registered.TrySetResult();
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

    public ValueTask DisposeAsync() => ChildProcess.StopAsync(_process, _directory);
}
