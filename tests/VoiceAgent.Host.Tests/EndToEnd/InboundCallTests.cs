using System.Diagnostics;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>baresip, a real SIP phone, calls the host over loopback and records what it hears.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class InboundCallTests
{
    private const string Greeting = "Hello, you have reached the test line. Press any key.";

    [Fact]
    public async Task Caller_hears_the_greeting_as_espeak_ng_renders_it()
    {
        await using var host = await RunningHost.StartAsync($"--Inbound:Greeting={Greeting}");
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(7));

        Assert.True(result.Heard is not null, "baresip recorded nothing: no call was established.\n" + result.Output);
        var heard = result.Heard!;
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(7)) > 1.5, "too little speech energy in the recording");
        var reference = EspeakReference.Render(Greeting, "en-us");
        var correlation = AudioAnalysis.EnvelopeCorrelation(AudioAnalysis.FrameRms(heard), AudioAnalysis.FrameRms(reference), maxLagFrames: 50);
        Assert.True(correlation > 0.7, $"the recording's envelope does not match espeak-ng's rendering (r={correlation:F2})");

        var call = await host.WaitForCallAsync(c => c.Utterances.Count > 0 && c.Utterances[0].Timeline.FirstRtpPacketMs is not null, TimeSpan.FromSeconds(5));
        Assert.Equal("inbound", call.Direction);
        Assert.Contains(call.Codec, new[] { "PCMU", "PCMA" });
        Assert.Equal(Greeting, call.Utterances[0].Text);
    }

    [Fact]
    public async Task Pressing_five_is_answered_with_speech_and_hash_makes_the_host_hang_up()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hello.", "--Inbound:Goodbye=Goodbye.");
        using var phone = new BaresipPhone();
        var stopwatch = Stopwatch.StartNew();

        var result = await phone.CallAsync(
            host.Uri(),
            TimeSpan.FromSeconds(20),
            [(TimeSpan.FromSeconds(2.5), '5'), (TimeSpan.FromSeconds(5.5), '#')]);

        // The host hung up after the goodbye, long before baresip's own 20 s limit.
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(15), $"the call lasted {result.Elapsed.TotalSeconds:F1} s: the host did not hang up after '#'.\n{result.Output}");
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal("local-hangup", call.EndReason);
        Assert.Contains(call.Utterances, u => u.Text == "You pressed five." && u.Outcome == "completed");
        Assert.Contains(call.Utterances, u => u.Text == "Goodbye." && u.Outcome == "completed");

        var heard = result.Heard ?? throw new InvalidOperationException("no recording");
        // Speech after the 5 was pressed (2.5 s after dialing; the recording starts at answer).
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.FromSeconds(2.0), TimeSpan.FromSeconds(5.0)) > 0.4, "no speech after pressing 5");
    }
}
