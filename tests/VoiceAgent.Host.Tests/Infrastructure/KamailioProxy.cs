using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// Kamailio 5.6 as a SIP trunk stand-in (tests/fixtures/kamailio/kamailio.cfg): registrar and
/// proxy for <see cref="Domain"/> on 127.0.0.1, UDP and TCP on one port. It challenges REGISTER
/// (401) and new INVITEs (407) with Digest and relays calls to the callee's registered contact,
/// record-routing. Runs in the foreground with its own runtime directory; its stderr is kept
/// (<see cref="Log"/>), and its <c>kamailio-trunk:</c> notices say what it saw.
/// </summary>
internal sealed class KamailioProxy : IAsyncDisposable
{
    /// <summary>The trunk's domain (an alias of the proxy): AORs, Request-URIs and the Digest realm.</summary>
    public const string Domain = "trunk.test";

    /// <summary>The host's account. The passwords are the defines at the top of kamailio.cfg.</summary>
    public static readonly TrunkAccount VoiceAgent = new("voiceagent", "voiceagent-secret");

    public static readonly TrunkAccount Alice = new("alice", "alice-secret");

    public static readonly TrunkAccount Bob = new("bob", "bob-secret");

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private readonly List<(string Text, int Count, TaskCompletionSource Seen)> _waiters = [];

    private KamailioProxy(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The port it listens on, for UDP and TCP alike.</summary>
    public int Port { get; }

    /// <summary>Everything Kamailio wrote to stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts Kamailio and returns once it answers an OPTIONS over UDP and accepts TCP.</summary>
    /// <param name="maxRegistrationLifetime">The longest registration it grants (registrar max_expires); its default when null.</param>
    public static async Task<KamailioProxy> StartAsync(TimeSpan? maxRegistrationLifetime = null)
    {
        var kamailio = RequiredTool.Find("kamailio", "kamailio");
        var config = Path.Combine(AppContext.BaseDirectory, "fixtures", "kamailio", "kamailio.cfg");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException("The Kamailio test configuration was not copied next to the tests.", config);
        }

        var directory = Directory.CreateTempSubdirectory("voiceagent-kamailio-").FullName;
        // FreePorts checks UDP and TCP: Kamailio takes the same port for both.
        var port = FreePorts.Udp();
        var start = new ProcessStartInfo(kamailio)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-f", config,
            "-DD", "-E", // foreground, log to stderr
            "-l", $"udp:127.0.0.1:{port}",
            "-l", $"tcp:127.0.0.1:{port}",
            "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid"), "-w", directory,
            "-m", "32", "-M", "4", // MB of shared and private memory: plenty for a few calls
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (maxRegistrationLifetime is { } lifetime)
        {
            start.ArgumentList.Add("-A");
            start.ArgumentList.Add($"MAX_EXPIRES={((int)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("kamailio did not start.");
        var proxy = new KamailioProxy(process, directory, port);
        process.OutputDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await proxy.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(15));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>Completes once <see cref="Log"/> holds <paramref name="text"/> <paramref name="count"/> times; times out with the log.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, int count = 1)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            if (Occurrences(_log.ToString(), text) >= count)
            {
                return;
            }

            _waiters.Add((text, count, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Kamailio did not log '{text}' {count} time(s) within {timeout.TotalSeconds} s. Its notices:\n{Notices}");
        }
    }

    /// <summary>The <c>kamailio-trunk:</c> lines of the configuration: what it challenged, registered and relayed.</summary>
    public string Notices => string.Join('\n', Log.Split('\n').Where(l => l.Contains("kamailio-trunk:", StringComparison.Ordinal)));

    private static int Occurrences(string log, string text)
    {
        var count = 0;
        for (var at = log.IndexOf(text, StringComparison.Ordinal); at >= 0; at = log.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            if (_waiters.Count == 0)
            {
                return;
            }

            var log = _log.ToString();
            _waiters.RemoveAll(w =>
            {
                var done = Occurrences(log, w.Text) >= w.Count;
                if (done)
                {
                    w.Seen.TrySetResult();
                }

                return done;
            });
        }
    }

    /// <summary>Sends OPTIONS (the configuration answers 200 for itself) until one is answered, then checks the TCP listener.</summary>
    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var deadline = Stopwatch.StartNew();
        for (var probe = 1; deadline.Elapsed < timeout; probe++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kamailio exited with code {_process.ExitCode} while starting. Log:\n{Log}");
            }

            var options = Encoding.ASCII.GetBytes(
                $"OPTIONS sip:127.0.0.1:{Port} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bKprobe{probe};rport\r\n" +
                "Max-Forwards: 70\r\n" +
                "From: <sip:probe@127.0.0.1>;tag=probe\r\n" +
                $"To: <sip:127.0.0.1:{Port}>\r\n" +
                $"Call-ID: probe-{Port}@127.0.0.1\r\n" +
                $"CSeq: {probe} OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n");
            await udp.SendAsync(options, new IPEndPoint(IPAddress.Loopback, Port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                var response = await udp.ReceiveAsync(wait.Token);
                if (Encoding.ASCII.GetString(response.Buffer).StartsWith("SIP/2.0 ", StringComparison.Ordinal))
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, Port);
                    return;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // Not up yet (a probe sent before the socket was bound is lost or refused): probe again.
            }
        }

        throw new TimeoutException($"kamailio did not answer OPTIONS on 127.0.0.1:{Port} within {timeout.TotalSeconds} s. Log:\n{Log}");
    }

    /// <summary>An account baresip registers at this trunk, over <paramref name="transport"/> (udp or tcp).</summary>
    public BaresipRegistration RegistrationFor(TrunkAccount account, string transport) => new(account, Domain, Port, transport);

    public ValueTask DisposeAsync() => ChildProcess.StopAsync(_process, _directory);
}

/// <summary>A user of the trunk and its Digest password.</summary>
internal sealed record TrunkAccount(string User, string Password);
