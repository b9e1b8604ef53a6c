using System.Globalization;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Bench;

/// <summary>
/// First-audio latency of the embedded default over real calls: the host runs in this process,
/// baresip calls it N times over loopback. Reports, as p50/p95:
/// - caller-heard: answer to the first non-silent sample in baresip's recording (baresip's
///   recording starts with the first RTP packet it decodes, so this is packet-granular);
/// - host side: 200 OK sent to the first RTP packet carrying the greeting;
/// - API timeline: greeting accepted to the first RTP packet carrying it, and its stages.
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- [calls=20]
/// </summary>
internal static class FirstAudioBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        await using var host = await RunningHost.StartAsync("--Serilog:MinimumLevel:Default=Warning");
        using var phone = new BaresipPhone();

        var heard = new List<double>();
        var firstPacket = new List<double>();
        var firstPcm = new List<double>();
        var firstChunk = new List<double>();
        var answerToPacket = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(3));
            var call = await host.WaitForCallAsync(c => c.State == "ended" && c.Utterances.Count > 0, TimeSpan.FromSeconds(10));
            var onset = result.Heard is { } wav ? AudioAnalysis.FirstNonSilent(wav) : null;
            var greeting = call.Utterances[0].Timeline;
            if (onset is { } o)
            {
                heard.Add(o.TotalMilliseconds);
            }

            Add(firstPacket, greeting.FirstRtpPacketMs);
            Add(firstPcm, greeting.FirstPcmMs);
            Add(firstChunk, greeting.FirstChunkNormalizedMs);
            if (greeting.FirstRtpPacketMs is { } rtp && call.AnsweredAt is { } answered)
            {
                // The greeting is accepted just before the 200 OK leaves: this is 200 OK -> first speech packet.
                answerToPacket.Add((call.Utterances[0].AcceptedAt.AddMilliseconds(rtp) - answered).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"call {i + 1,2}: heard {onset?.TotalMilliseconds:F0} ms, accepted->first RTP {greeting.FirstRtpPacketMs:F1} ms (normalized {greeting.FirstChunkNormalizedMs:F1}, first PCM {greeting.FirstPcmMs:F1})"));
        }

        Console.WriteLine();
        Console.WriteLine($"calls: {calls} (first audio heard in {heard.Count})");
        Report("caller-heard first audio (answer -> first non-silent sample)", heard);
        Report("host: 200 OK -> first greeting RTP packet", answerToPacket);
        Report("API: accepted -> first RTP packet", firstPacket);
        Report("API: accepted -> first PCM", firstPcm);
        Report("API: accepted -> first chunk normalized", firstChunk);
        return heard.Count == calls ? 0 : 1;
    }

    private static void Add(List<double> list, double? value)
    {
        if (value is { } v)
        {
            list.Add(v);
        }
    }

    private static void Report(string name, List<double> values)
    {
        if (values.Count == 0)
        {
            Console.WriteLine($"{name}: no samples");
            return;
        }

        values.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: p50 {Percentile(values, 0.50):F1} ms, p95 {Percentile(values, 0.95):F1} ms, min {values[0]:F1}, max {values[^1]:F1} (n={values.Count})"));
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
