using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Bench;

/// <summary>
/// The same media workload on both ends, side by side: one baresip process places N G.711 calls
/// to the host; each end streams a WAV file into every call (baresip through its aufile source, the
/// host through the <c>play</c> verb of a webhook application) and receives the other end's audio.
/// Reports each process's CPU per call over the measuring window and the ratio host/baresip.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- compare [calls=100] [seconds=10]
/// </summary>
internal static class BaresipComparisonBenchmark
{
    /// <summary>Dials sent at once; the next batch waits for this one's answers (bounded by <see cref="BatchAnswerTimeout"/>).</summary>
    private const int DialBatch = 25;

    /// <summary>
    /// baresip numbers a user agent's calls as lines 1-255 (CALL_LINENUM_MAX = 256) and refuses the
    /// 256th with ENOENT ("ua_connect failed: No such file or directory", the 45 missing of 300):
    /// so every 200 calls come from another account, selected with /uanext.
    /// </summary>
    private const int CallsPerAccount = 200;

    private static readonly TimeSpan DialInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan BatchAnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the JIT to go quiet before the window (see <see cref="WaitForQuietJitAsync"/>).</summary>
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        RequiredTool.Find("baresip", "baresip");
        var work = Directory.CreateTempSubdirectory("voiceagent-compare-").FullName;
        var sentence = Resample8k(EspeakReference.Render("Thank you for calling. Your appointment is confirmed for Tuesday at three thirty in the afternoon.", "en-us"));
        // baresip hangs up when its aufile source ends (a 65 s file ended a 300-call run while it was
        // still dialing): the file outlasts the worst case of every phase, with a minute to spare.
        var longest = (calls * DialInterval) + ((calls / DialBatch + 1) * BatchAnswerTimeout) + MaxWarmUp + TimeSpan.FromSeconds(seconds + 60);
        var wav8k = Tile(sentence, longest);
        var audioDirectory = Path.Combine(work, "audio");
        Directory.CreateDirectory(audioDirectory);
        wav8k.Write(Path.Combine(audioDirectory, "speech.wav"), channels: 1);

        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] == "call.incoming" ? """[{"verb": "play", "file": "speech.wav"}]""" : "[]");
        var rtp = FreePorts.UdpRange((calls * 2) + 20);
        await using var host = await RunningHost.StartAsync(
            "--Serilog:MinimumLevel:Default=Warning", "--Media:Codecs=PCMU", "--Sip:InvitesPerSecondPerSource=0",
            $"--Rtp:PortMin={rtp.Min}", $"--Rtp:PortMax={rtp.Max}", $"--Inbound:AudioDirectory={audioDirectory}",
            $"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");

        var baresipLog = Path.Combine(work, "baresip.log");
        using var baresip = StartBaresip(work, calls, wav8k, baresipLog);
        try
        {
            await Task.Delay(1000);
            var dialing = Stopwatch.StartNew();
            var answered = 0;
            for (var dialed = 0; dialed < calls;)
            {
                // Paced batches, each waiting (bounded) for its answers: set-ups do not pile up behind
                // the media of the calls already up, and a call that is not answered cannot stall the run.
                var batch = Math.Min(DialBatch, calls - dialed);
                for (var i = 0; i < batch; i++)
                {
                    if (dialed + i > 0 && (dialed + i) % CallsPerAccount == 0)
                    {
                        await baresip.StandardInput.WriteLineAsync("/uanext");
                    }

                    await baresip.StandardInput.WriteLineAsync($"/dial {host.Uri()}");
                    await baresip.StandardInput.FlushAsync();
                    await Task.Delay(DialInterval);
                }

                dialed += batch;
                answered = await WaitForAnsweredAsync(host, dialed, BatchAnswerTimeout);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dialing: {calls} dials in batches of {DialBatch}, {answered} answered after {dialing.Elapsed.TotalSeconds:F1} s (WAV {wav8k.DurationSeconds:F0} s)"));
            if (answered < calls)
            {
                PrintBaresipComplaints(baresipLog);
            }

            var warmUp = await WaitForQuietJitAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: JIT quiet after {warmUp.TotalSeconds:F1} s"));
            var hostBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var baresipBefore = ProcessCpu(baresip.Id);
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var hostCpu = Process.GetCurrentProcess().TotalProcessorTime - hostBefore;
            var baresipCpu = ProcessCpu(baresip.Id) - baresipBefore;
            var elapsed = wall.Elapsed.TotalSeconds;
            var all = (await host.Http.GetFromJsonAsync<List<CallView>>("/v1/calls?limit=1000"))!;
            var stillUp = all.Count(c => c.State == "answered");
            var ended = string.Join(", ", all.Where(c => c.State == "ended").GroupBy(c => c.EndReason).Select(g => $"{g.Key}: {g.Count()}"));
            Console.WriteLine($"ended during the run: {(ended.Length == 0 ? "none" : ended)}");

            Console.WriteLine($"calls: {calls} requested, {answered} answered, {stillUp} still up after the window; {seconds} s window, {Environment.ProcessorCount} cores, G.711 μ-law, a WAV streamed both ways");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VoiceAgent host process: {hostCpu.TotalMilliseconds / elapsed:F0} ms CPU/s ({hostCpu.TotalMilliseconds / elapsed / 10:F1}% of a core), {hostCpu.TotalMilliseconds / elapsed / Math.Max(1, stillUp):F3} ms/s per call"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baresip process:         {baresipCpu.TotalMilliseconds / elapsed:F0} ms CPU/s ({baresipCpu.TotalMilliseconds / elapsed / 10:F1}% of a core), {baresipCpu.TotalMilliseconds / elapsed / Math.Max(1, stillUp):F3} ms/s per call"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio host / baresip: {hostCpu.TotalMilliseconds / Math.Max(1, baresipCpu.TotalMilliseconds):F2}"));
            return 0;
        }
        finally
        {
            baresip.Kill(entireProcessTree: true);
            await baresip.WaitForExitAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static Process StartBaresip(string work, int calls, WavFile microphone, string logPath)
    {
        var directory = Path.Combine(work, "baresip");
        Directory.CreateDirectory(directory);
        var port = FreePorts.Udp(alsoFree: 1);
        // baresip tries 64 random even ports of its range per call (libre udp_range_listen): a range
        // just large enough left the 300th call without a port. Four times the need keeps every try likely.
        var rtp = FreePorts.UdpRange((calls * 8) + 20);
        var source = Path.Combine(directory, "mic.wav");
        microphone.Write(source, channels: 1);
        File.WriteAllText(Path.Combine(directory, "config"), $"""
            poll_method     epoll
            sip_listen      127.0.0.1:{port}
            call_max_calls  {calls + 10}
            audio_player    aufile,/dev/null
            audio_source    aufile,{source}
            module_path     /usr/lib/baresip/modules
            module          stdio.so
            module          g711.so
            module          aufile.so
            module_app      account.so
            module_app      menu.so
            rtp_ports       {rtp.Min}-{rtp.Max}
            """);
        var accounts = (calls + CallsPerAccount - 1) / CallsPerAccount;
        File.WriteAllLines(Path.Combine(directory, "accounts"), Enumerable.Range(0, accounts).Select(a => $"<sip:caller{a}@127.0.0.1:{port}>;regint=0;audio_codecs=PCMU/8000/1"));
        var start = new ProcessStartInfo("baresip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", "127.0.0.1", "-f", directory })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var log = TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> WaitForAnsweredAsync(RunningHost host, int calls, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var answered = 0;
        while (DateTime.UtcNow < deadline)
        {
            answered = (await host.Http.GetFromJsonAsync<List<CallView>>("/v1/calls?limit=1000"))!.Count(c => c.State == "answered");
            if (answered >= calls)
            {
                break;
            }

            await Task.Delay(500);
        }

        return answered;
    }

    /// <summary>
    /// Waits until no method has been compiled for 2 s (at most <see cref="MaxWarmUp"/>). The host
    /// starts in this process just before the calls, and tiered compilation of the media path went on
    /// for about 10 s at 400 ms CPU/s (per-thread CPU from /proc: ".NET Tiered Compilation"), which a
    /// window starting 1 s after the answers counted as per-call cost; baresip has no JIT.
    /// </summary>
    private static async Task<TimeSpan> WaitForQuietJitAsync()
    {
        var waited = Stopwatch.StartNew();
        var quietSince = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quietSince.Elapsed < TimeSpan.FromSeconds(2) && waited.Elapsed < MaxWarmUp)
        {
            await Task.Delay(250);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quietSince.Restart();
            }
        }

        return waited.Elapsed;
    }

    /// <summary>What baresip said about calls that did not come up (its log is otherwise discarded).</summary>
    private static void PrintBaresipComplaints(string logPath)
    {
        string[] lines;
        using (var reader = new StreamReader(new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
        {
            lines = reader.ReadToEnd().Split('\n');
        }

        var complaints = lines.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)
            || l.Contains("closed", StringComparison.OrdinalIgnoreCase) || l.Contains("too many", StringComparison.OrdinalIgnoreCase)).ToList();
        Console.WriteLine($"baresip: {complaints.Count} complaint lines; distinct: ");
        foreach (var group in complaints.GroupBy(l => l.Trim()).OrderByDescending(g => g.Count()).Take(8))
        {
            Console.WriteLine($"  {group.Count()} x {group.Key}");
        }
    }

    private static WavFile Tile(WavFile sentence, TimeSpan duration)
    {
        var samples = new short[(int)(sentence.SampleRate * duration.TotalSeconds)];
        for (var offset = 0; offset < samples.Length; offset += sentence.Samples.Length)
        {
            sentence.Samples.AsSpan(0, Math.Min(sentence.Samples.Length, samples.Length - offset)).CopyTo(samples.AsSpan(offset));
        }

        return new WavFile(sentence.SampleRate, samples);
    }

    /// <summary>utime + stime of a process from /proc (clock ticks of 10 ms).</summary>
    private static TimeSpan ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static WavFile Resample8k(WavFile wav)
    {
        using var resampler = new VoiceAgent.Telephony.Codecs.SoxrResampler(wav.SampleRate, 8000);
        var output = new short[resampler.MaxOutputFor(wav.Samples.Length) + 8000];
        var written = resampler.Process(wav.Samples, output);
        written += resampler.Flush(output.AsSpan(written));
        return new WavFile(8000, output[..written]);
    }
}
