using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>The caller talks (baresip plays real speech into the call); the host decodes it and detects speech.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CallerAudioTests
{
    [Fact]
    public async Task Caller_speech_is_detected_and_reception_statistics_are_kept()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hello.");
        var speech = EspeakReference.Render("I would like to know the opening hours of the pharmacy, please.", "en-us");
        var microphone = speech with { Samples = [.. new short[8000 * 2], .. speech.Samples] };
        using var phone = new BaresipPhone(microphone: microphone);

        await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(8));

        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal(["speech-started", "speech-stopped"], call.CallerSpeech.Select(s => s.Transition).Take(2));
        var started = call.CallerSpeech[0].At - call.AnsweredAt!.Value;
        Assert.InRange(started.TotalSeconds, 1.5, 3.5);
        Assert.NotNull(call.Media);
        Assert.True(call.Media!.PacketsReceived > 200, $"received {call.Media.PacketsReceived}");
        Assert.Equal(0, call.Media.PacketsLost);
        Assert.InRange(call.Media.JitterMs, 0, 20);
    }
}
