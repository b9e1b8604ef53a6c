using System.Globalization;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Bench;

/// <summary>
/// Call-control figures over real calls placed by baresip (issue: webhooks and barge-in):
/// - webhook overhead: INVITE received -> first greeting RTP packet, with the embedded demo
///   (greeting synthesized before the 200 OK) and with a webhook application on loopback answering
///   call.incoming with a say verb; the difference is what the application round trip adds.
/// - barge-in reaction: the caller starts talking 3 s into a long barge-in say; measured in what
///   baresip heard (last sample of the host's speech minus the caller's speech onset), and on the
///   host (VAD speech-started to the end of the interrupted utterance's audio).
/// Usage: dotnet run -c Release --project bench/VoiceAgent.Bench -- app [trials=20]
/// </summary>
internal static class ApplicationBenchmark
{
    private const string Greeting = "Hello, thank you for calling.";
    private const string LongText =
        "Thank you for calling the city library. Our opening hours are nine in the morning to six in the evening on weekdays, " +
        "and ten to four on Saturdays. To renew a book, please have your library card ready.";

    public static async Task<int> RunAsync(string[] args)
    {
        var trials = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var demo = await FirstRtpAsync(trials, webhook: false);
        var webhook = await FirstRtpAsync(trials, webhook: true);
        Console.WriteLine($"trials: {trials} per variant, {Environment.ProcessorCount} cores");
        Report("INVITE -> first greeting RTP, embedded demo", demo);
        Report("INVITE -> first greeting RTP, webhook application", webhook);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"webhook overhead (p50 difference): {Median(webhook) - Median(demo):F1} ms"));

        var (heard, wire, detection) = await BargeInAsync(trials);
        Report("barge-in: caller speech onset -> end of the host's speech on the wire (first RTP + playedMs)", wire);
        Report("barge-in: caller speech onset -> VAD speech-started", detection);
        Report("barge-in as heard: onset -> last host speech in baresip's recording (20 ms frames; recording start offset unknown)", heard);
        return 0;
    }

    private static async Task<List<double>> FirstRtpAsync(int trials, bool webhook)
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] == "call.incoming" ? $$"""[{"verb": "say", "text": "{{Greeting}}"}]""" : "[]");
        string[] hostArgs = webhook
            ? ["--Serilog:MinimumLevel:Default=Warning", $"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}"]
            : ["--Serilog:MinimumLevel:Default=Warning", $"--Inbound:Greeting={Greeting}"];
        await using var host = await RunningHost.StartAsync(hostArgs);
        using var phone = new BaresipPhone();
        var results = new List<double>();
        for (var i = 0; i < trials; i++)
        {
            await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(2));
            var call = await host.WaitForCallAsync(c => c.State == "ended" && c.Utterances.Count > 0, TimeSpan.FromSeconds(10));
            var greeting = call.Utterances[0];
            if (greeting.Timeline.FirstRtpPacketMs is { } rtp)
            {
                results.Add((greeting.AcceptedAt.AddMilliseconds(rtp) - call.StartedAt).TotalMilliseconds);
            }
        }

        return results;
    }

    private static async Task<(List<double> Heard, List<double> Wire, List<double> Detection)> BargeInAsync(int trials)
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "call.incoming" => $$"""[{"verb": "say", "text": "{{LongText}}", "bargeIn": true}]""",
            "say.interrupted" => """[{"verb": "pause", "seconds": 1}, {"verb": "hangup"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync("--Serilog:MinimumLevel:Default=Warning", $"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        var speech = EspeakReference.Render("Sorry, can I talk to a person please?", "en-us");
        var microphone = speech with { Samples = [.. new short[speech.SampleRate * 3], .. speech.Samples] };
        var micOnset = AudioAnalysis.FirstNonSilent(microphone)!.Value;
        using var phone = new BaresipPhone(microphone: microphone);
        var heard = new List<double>();
        var wire = new List<double>();
        var detection = new List<double>();
        for (var i = 0; i < trials; i++)
        {
            var before = app.Events.Count;
            var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(8));
            var interrupted = app.Events.Skip(before).FirstOrDefault(e => (string?)e["event"] == "say.interrupted");
            var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));

            // baresip starts its microphone file when the call is established (our 200 OK): the caller's
            // speech begins micOnset after the answer. The host's speech ends playedMs after its first packet.
            var onsetAt = call.AnsweredAt!.Value + micOnset;
            if (interrupted is not null && call.Utterances.FirstOrDefault() is { Timeline.FirstRtpPacketMs: { } firstRtp } say)
            {
                var speechEnd = say.AcceptedAt.AddMilliseconds(firstRtp + (int)interrupted["playedMs"]!);
                wire.Add((speechEnd - onsetAt).TotalMilliseconds);
            }

            if (call.CallerSpeech.FirstOrDefault(c => c.Transition == "speech-started") is { } started)
            {
                detection.Add((started.At - onsetAt).TotalMilliseconds);
            }

            if (result.Heard is { } wav && LastSpeech(wav, micOnset + TimeSpan.FromSeconds(2)) is { } last)
            {
                heard.Add((last - micOnset).TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"barge-in trial {i + 1,2}: wire {(wire.Count > 0 ? wire[^1] : double.NaN):F0} ms, detection {(detection.Count > 0 ? detection[^1] : double.NaN):F0} ms, heard {(heard.Count > 0 ? heard[^1] : double.NaN):F0} ms"));
        }

        return (heard, wire, detection);
    }

    /// <summary>The end of the last 20 ms frame with speech energy before <paramref name="until"/>.</summary>
    private static TimeSpan? LastSpeech(WavFile wav, TimeSpan until, double threshold = 300)
    {
        var rms = AudioAnalysis.FrameRms(wav);
        var limit = Math.Min(rms.Length, (int)(until.TotalMilliseconds / 20));
        for (var i = limit - 1; i >= 0; i--)
        {
            if (rms[i] > threshold)
            {
                return TimeSpan.FromMilliseconds((i + 1) * 20);
            }
        }

        return null;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static void Report(string name, List<double> values)
    {
        if (values.Count == 0)
        {
            Console.WriteLine($"{name}: no samples");
            return;
        }

        var sorted = values.Order().ToList();
        var p95 = sorted[(int)Math.Ceiling(0.95 * (sorted.Count - 1))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {sorted[sorted.Count / 2]:F1} ms, p95 {p95:F1} ms, min {sorted[0]:F1}, max {sorted[^1]:F1} (n={sorted.Count})"));
    }
}
