using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>The caller talks over a long prompt (baresip plays real speech); the host stops speaking at once.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BargeInTests
{
    private const string LongText =
        "Thank you for calling the city library. Our opening hours are nine in the morning to six in the evening " +
        "on weekdays, and ten to four on Saturdays. To renew a book, please have your library card ready. " +
        "For events and exhibitions, please visit our website or ask at the front desk.";

    [Fact]
    public async Task Caller_speech_stops_a_barge_in_say_and_the_application_hears_how_much_was_played()
    {
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "call.incoming" => $$"""[{"verb": "say", "text": "{{LongText}}", "bargeIn": true}]""",
            "say.interrupted" => """[{"verb": "pause", "seconds": 2}, {"verb": "hangup"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        var speech = EspeakReference.Render("Sorry, can I talk to a person please?", "en-us");
        using var phone = new BaresipPhone(microphone: speech with { Samples = [.. new short[speech.SampleRate * 3], .. speech.Samples] });

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(14));

        var interrupted = await app.WaitForEventAsync("say.interrupted", TimeSpan.FromSeconds(5));
        var playedMs = (int)interrupted["playedMs"]!;
        Assert.InRange(playedMs, 2500, 5000); // the caller started talking about 3 s in
        Assert.DoesNotContain("say.done", app.CallFlow);
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.Equal("interrupted", call.Utterances.Single().Outcome);
        Assert.Equal("local-hangup", call.EndReason);

        // In what baresip heard: speech before the caller's onset, silence from shortly after it.
        var onset = call.CallerSpeech.First(s => s.Transition == "speech-started").At - call.AnsweredAt!.Value;
        var heard = result.Heard!;
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.FromSeconds(0.5), onset - TimeSpan.FromSeconds(0.3)) > 1.5, "the prompt played before the caller spoke");
        Assert.True(AudioAnalysis.SpeechSeconds(heard, onset + TimeSpan.FromSeconds(0.3), onset + TimeSpan.FromSeconds(1.8)) < 0.1, "the prompt stopped once the caller spoke");
    }
}
