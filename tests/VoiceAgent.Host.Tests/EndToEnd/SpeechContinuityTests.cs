using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// A sentence longer than the first streaming chunk is synthesized in pieces; the caller must not
/// hear the seams: no silence inside the sentence longer than espeak-ng's own longest pause plus 40 ms.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SpeechContinuityTests
{
    private const string Sentence = "Please listen carefully because our menu options have recently changed and we want you to reach the right department quickly";

    [Fact]
    public async Task Chunks_of_one_sentence_join_without_audible_gaps()
    {
        await using var host = await RunningHost.StartAsync($"--Inbound:Greeting={Sentence}");
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(9));

        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        Assert.True(call.Utterances[0].Timeline.LastRtpPacketMs is not null, "the sentence was not played to the end");
        var heard = result.Heard ?? throw new InvalidOperationException("no recording\n" + result.Output);
        var reference = EspeakReference.Render(Sentence, "en-us");
        var heardGap = AudioAnalysis.LongestSilenceInsideSpeech(heard);
        var referenceGap = AudioAnalysis.LongestSilenceInsideSpeech(reference);
        Assert.True(heardGap <= referenceGap + 40, $"longest silence inside the sentence: heard {heardGap} ms, espeak-ng alone {referenceGap} ms");
    }
}
