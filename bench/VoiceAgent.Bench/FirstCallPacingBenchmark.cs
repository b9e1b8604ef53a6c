using System.Globalization;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Bench;

/// <summary>
/// The first call after start, as the wire sees it: for each run a host process is started fresh
/// (cold JIT, nothing warmed but what start-up warms), one Opus call from baresip is placed as soon
/// as <c>/healthz</c> says ready, and tshark on loopback records the host's RTP. Reports, per run,
/// how far the gaps between consecutive packets stray from 20 ms (p50, p99, max, and when the worst
/// gap came), for that first call and, as the baseline, for a second call to the same host right after.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- firstcall [runs=3] [seconds=6]
/// </summary>
internal static class FirstCallPacingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 6;
        var first = new List<double>();
        var second = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (firstCall, secondCall) = await MeasureOneAsync(seconds);
            first.Add(Report($"run {run}, first call ", firstCall));
            second.Add(Report($"run {run}, second call", secondCall));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Opus, {seconds} s calls, {Environment.ProcessorCount} cores, p99 of |gap - 20 ms| per run: first call {Join(first)} ms; second call {Join(second)} ms"));
        return 0;
    }

    private static string Join(List<double> values) => string.Join(" / ", values.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)));

    private static double Report(string name, List<(double Deviation, double At)> gaps)
    {
        if (gaps.Count == 0)
        {
            Console.WriteLine($"{name}: no RTP captured");
            return double.NaN;
        }

        var sorted = gaps.Select(g => g.Deviation).Order().ToList();
        var worst = gaps.MaxBy(g => g.Deviation);
        var p99 = Percentile(sorted, 0.99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {gaps.Count + 1} packets; |gap - 20 ms| p50 {Percentile(sorted, 0.5):F2} ms, p99 {p99:F2} ms, max {worst.Deviation:F2} ms at {worst.At:F2} s"));
        return p99;
    }

    /// <summary>Each call's gaps between consecutive packets: deviation from 20 ms (ms) and when (s after its first packet).</summary>
    private static async Task<(List<(double, double)> First, List<(double, double)> Second)> MeasureOneAsync(int seconds)
    {
        var rtpPort = FreePorts.UdpRange(2).Min;
        var data = Directory.CreateTempSubdirectory("voiceagent-firstcall-").FullName;
        try
        {
            // Later command-line values win: the host's RTP goes out of the one port tshark watches.
            await using var host = await HostProcess.StartAsync(
                Path.Combine(data, "calls.db"),
                "--Serilog:MinimumLevel:Default=Warning", $"--Rtp:PortMin={rtpPort}", $"--Rtp:PortMax={rtpPort + 1}",
                "--Inbound:Greeting=Hello. This is the first call after start, and it should be paced like every other call.");
            return (await CallAsync(host, rtpPort, seconds), await CallAsync(host, rtpPort, seconds));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<(double, double)>> CallAsync(HostProcess host, int rtpPort, int seconds)
    {
        await using var capture = await RtpCapture.StartAsync(rtpPort);
        using var phone = new BaresipPhone("opus.so");
        await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(seconds));
        await Task.Delay(300);
        var packets = capture.Packets;
        var gaps = new List<(double, double)>();
        for (var i = 1; i < packets.Count; i++)
        {
            if (packets[i].Sequence == (packets[i - 1].Sequence + 1) % 65536 && packets[i].Ssrc == packets[i - 1].Ssrc)
            {
                gaps.Add((Math.Abs(((packets[i].Time - packets[i - 1].Time) * 1000) - 20), packets[i].Time - packets[0].Time));
            }
        }

        return gaps;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
