using System.Globalization;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Bench;

/// <summary>
/// The first call after start, as the wire sees it: for each run a host process is started fresh
/// (cold JIT, nothing warmed but what start-up warms), one Opus call from baresip is placed as soon
/// as <c>/healthz</c> says ready, and tshark on loopback records the host's RTP. Reports, per run,
/// how far the gaps between consecutive packets stray from 20 ms (p50, p99, max).
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- firstcall [runs=3] [seconds=6]
/// </summary>
internal static class FirstCallPacingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 6;
        var p99s = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var deviations = await MeasureOneAsync(seconds);
            if (deviations.Count == 0)
            {
                Console.WriteLine($"run {run}: no RTP captured");
                continue;
            }

            var p99 = Percentile(deviations, 0.99);
            p99s.Add(p99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: {deviations.Count + 1} packets; |gap - 20 ms| p50 {Percentile(deviations, 0.5):F2} ms, p99 {p99:F2} ms, max {deviations[^1]:F2} ms"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first-call pacing, Opus, {seconds} s call, {Environment.ProcessorCount} cores: p99 per run {string.Join(" / ", p99s.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))} ms"));
        return 0;
    }

    /// <summary>The sorted deviations from 20 ms of consecutive packets' gaps, in ms.</summary>
    private static async Task<List<double>> MeasureOneAsync(int seconds)
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
            await using var capture = await RtpCapture.StartAsync(rtpPort);
            using var phone = new BaresipPhone("opus.so");
            await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(seconds));
            await Task.Delay(300);
            var packets = capture.Packets;
            var deviations = new List<double>();
            for (var i = 1; i < packets.Count; i++)
            {
                if (packets[i].Sequence == (packets[i - 1].Sequence + 1) % 65536)
                {
                    deviations.Add(Math.Abs(((packets[i].Time - packets[i - 1].Time) * 1000) - 20));
                }
            }

            deviations.Sort();
            return deviations;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
