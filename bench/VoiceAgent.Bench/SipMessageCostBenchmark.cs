using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VoiceAgent.Host.Tests.Infrastructure;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Bench;

/// <summary>
/// CPU per SIP message, a normal OPTIONS against the worst 60 KB shapes (continuation lines, thousands
/// of values on one line, thousands of Via values, thousands of headers): first the parser alone
/// (median of repeated parses in this process), then the host end to end (a host process answers
/// each OPTIONS before the next is sent; its CPU from /proc/&lt;pid&gt;/stat, per message).
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- sipcost [messages=200]
/// </summary>
internal static class SipMessageCostBenchmark
{
    private static readonly string[] Shapes = ["normal", "folded", "commas", "vias", "headers"];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        Console.WriteLine("parser alone (median of 101 parses):");
        foreach (var shape in Shapes)
        {
            var bytes = Encoding.UTF8.GetBytes(Message(shape, 5094, "p"));
            var times = new List<double>();
            for (var i = 0; i < 120; i++)
            {
                var started = Stopwatch.GetTimestamp();
                SipMessageParser.TryParse(bytes, out _, out _);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Console.WriteLine($"  {shape,-8} {bytes.Length,6} bytes  {times.Skip(19).Order().ElementAt(50):F3} ms");
        }

        var data = Directory.CreateTempSubdirectory("voiceagent-sipcost-").FullName;
        await using var host = await HostProcess.StartAsync(Path.Combine(data, "calls.db"), "--Serilog:MinimumLevel:Default=Warning");
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var target = new IPEndPoint(IPAddress.Loopback, host.SipPort);
        await MeasureAsync(host, udp, target, "normal", port, 50); // warm-up: JIT, first allocations
        Console.WriteLine($"host process, {count} messages each, answered one by one:");
        double? normal = null;
        foreach (var shape in Shapes)
        {
            var perMessage = await MeasureAsync(host, udp, target, shape, port, count);
            normal ??= perMessage;
            Console.WriteLine($"  {shape,-8} {perMessage:F2} ms CPU per message (x{perMessage / Math.Max(normal.Value, 0.001):F1} a normal one)");
        }

        return 0;
    }

    private static async Task<double> MeasureAsync(HostProcess host, UdpClient udp, IPEndPoint target, string shape, int port, int count)
    {
        var before = CpuMs(host.ProcessId);
        for (var i = 0; i < count; i++)
        {
            var callId = $"{shape}{i}-{Environment.TickCount64}";
            await udp.SendAsync(Encoding.UTF8.GetBytes(Message(shape, port, callId)), target);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (!Encoding.UTF8.GetString((await udp.ReceiveAsync(timeout.Token)).Buffer).Contains(callId, StringComparison.Ordinal))
            {
            }
        }

        return (CpuMs(host.ProcessId) - before) / count;
    }

    private static string Message(string shape, int port, string callId)
    {
        var builder = new StringBuilder(
            $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{callId};rport\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\n" +
            $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n");
        var (start, repeat, end) = shape switch
        {
            "folded" => ("Subject: x\r\n", " y\r\n", string.Empty),
            "commas" => ("Contact: <sip:c@127.0.0.1>", ",<sip:c@127.0.0.1>", "\r\n"),
            "vias" => ("Via: SIP/2.0/UDP 127.0.0.2", ",SIP/2.0/UDP 127.0.0.2", "\r\n"),
            "headers" => (string.Empty, "X: y\r\n", string.Empty),
            _ => (string.Empty, string.Empty, string.Empty),
        };
        if (repeat.Length > 0)
        {
            builder.Append(start);
            while (builder.Length < 60_000)
            {
                builder.Append(repeat);
            }

            builder.Append(end);
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }
}
