using System.Diagnostics;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// A real SIP phone for end-to-end tests: baresip 1.0 configured per TESTING.md, dialing over
/// loopback, typing DTMF on its stdin, recording what it hears with the sndfile module. It dials
/// directly, or, with a <see cref="BaresipRegistration"/>, through the trunk it registers at.
/// </summary>
internal sealed class BaresipPhone : IDisposable
{
    private readonly string _directory;
    private readonly int _sipPort;

    /// <param name="codecModule">baresip codec module: g711.so, g722.so, opus.so.</param>
    /// <param name="audioCodecs">Restricts the account's offer, e.g. "PCMA/8000/1" (baresip's audio_codecs account parameter).</param>
    /// <param name="microphone">What the caller says (8 kHz, G.711 only); silence when null.</param>
    /// <param name="registration">The trunk account it registers and places its calls through; none when null.</param>
    public BaresipPhone(string codecModule = "g711.so", string? audioCodecs = null, WavFile? microphone = null, BaresipRegistration? registration = null)
    {
        RequiredTool.Find("baresip", "baresip");
        _directory = Directory.CreateTempSubdirectory("voiceagent-baresip-").FullName;
        Directory.CreateDirectory(RecordingDirectory);
        // baresip also binds TLS on port+1: keep two ports free.
        _sipPort = FreePorts.Udp(alsoFree: 1);
        var rtp = FreePorts.UdpRange(20);
        var source = Path.Combine(_directory, "mic.wav");
        // baresip's aufile source must match the codec's sample rate or the audio pipeline does not start.
        var micRate = codecModule switch { "opus.so" => 48000, "g722.so" => 16000, _ => 8000 };
        // baresip registers Opus as opus/48000/2 and opens its source in stereo (RFC 7587 §7).
        // When the source file ends the call ends: pad what the caller says with a minute of silence.
        var mic = microphone is null ? WavFile.Silence(micRate, TimeSpan.FromSeconds(60)) : microphone with { Samples = [.. microphone.Samples, .. new short[micRate * 60]] };
        mic.Write(source, channels: codecModule == "opus.so" ? 2 : 1);
        File.WriteAllText(Path.Combine(_directory, "config"), $"""
            poll_method     epoll
            sip_listen      127.0.0.1:{_sipPort}
            audio_player    aufile,/dev/null
            audio_source    aufile,{source}
            module_path     /usr/lib/baresip/modules
            module          stdio.so
            module          {codecModule}
            module          sndfile.so
            module          aufile.so
            module_app      account.so
            module_app      menu.so
            snd_path        {RecordingDirectory}
            rtp_ports       {rtp.Min}-{rtp.Max}
            """);
        var restriction = audioCodecs is null ? string.Empty : $";audio_codecs={audioCodecs}";
        var account = registration?.AccountLine ?? $"<sip:caller@127.0.0.1:{_sipPort}>;regint=0";
        File.WriteAllText(Path.Combine(_directory, "accounts"), $"{account}{restriction}\n");
    }

    public string RecordingDirectory => Path.Combine(_directory, "rec");

    /// <summary>
    /// Dials <paramref name="target"/>, types each key of <paramref name="keys"/> at its offset from the
    /// start, and quits after <paramref name="duration"/>. Returns when baresip has exited.
    /// </summary>
    public async Task<BaresipCallResult> CallAsync(string target, TimeSpan duration, IReadOnlyList<(TimeSpan At, char Key)>? keys = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("baresip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-n", "127.0.0.1", "-f", _directory, "-e", $"/dial {target}", "-t", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start.");
        var output = new StringBuilder();
        var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            // "Call with ... terminated": the call is over, whoever ended it.
            if (e.Data?.Contains(" terminated (duration", StringComparison.Ordinal) == true)
            {
                terminated.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = Stopwatch.StartNew();
        TimeSpan? callEnded = null;

        foreach (var (at, key) in keys ?? [])
        {
            var wait = at - started.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (process.HasExited || terminated.Task.IsCompleted)
            {
                break;
            }

            await process.StandardInput.WriteAsync(key);
            await process.StandardInput.FlushAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(duration + TimeSpan.FromSeconds(15));
        try
        {
            // baresip 1.0 stays up after a call until -t; once the call has ended, quit it ('q' on the menu).
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(exited, terminated.Task) == terminated.Task)
            {
                callEnded = started.Elapsed;
                await process.StandardInput.WriteAsync('q');
                await process.StandardInput.FlushAsync(cancellationToken);
            }

            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"baresip did not exit within {duration.TotalSeconds + 15} s. Output:\n{output}");
        }

        var elapsed = callEnded ?? started.Elapsed;
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        var recording = Directory.GetFiles(RecordingDirectory, "dump-*-dec.wav").OrderBy(File.GetLastWriteTimeUtc).LastOrDefault();
        return new BaresipCallResult(recording is null ? null : WavFile.Read(recording), text, elapsed);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What a baresip call left behind: what it heard (null when no call was established), its log, and when the call ended (or baresip quit).</summary>
internal sealed record BaresipCallResult(WavFile? Heard, string Output, TimeSpan Elapsed);
