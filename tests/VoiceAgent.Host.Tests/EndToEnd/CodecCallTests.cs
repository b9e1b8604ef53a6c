using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>baresip offering a single codec hears the greeting through it (Opus RFC 7587, G.722, G.711 A-law).</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CodecCallTests
{
    private const string Greeting = "Hello, you have reached the codec test line. Press any key.";

    [Theory]
    [InlineData("opus.so", null, "opus")]
    [InlineData("g722.so", null, "G722")]
    [InlineData("g711.so", "PCMA/8000/1", "PCMA")]
    public async Task Caller_offering_one_codec_hears_the_greeting_through_it(string module, string? restriction, string expectedCodec)
    {
        await using var host = await RunningHost.StartAsync($"--Inbound:Greeting={Greeting}");
        using var phone = new BaresipPhone(module, restriction);

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(7));

        var call = await host.WaitForCallAsync(c => c.Codec is not null, TimeSpan.FromSeconds(5));
        Assert.Equal(expectedCodec, call.Codec);
        var heard = result.Heard ?? throw new InvalidOperationException("baresip recorded nothing.\n" + result.Output);
        Assert.True(AudioAnalysis.SpeechSeconds(heard, TimeSpan.Zero, TimeSpan.FromSeconds(7)) > 1.5, $"too little speech energy through {expectedCodec}");
        var reference = EspeakReference.Render(Greeting, "en-us");
        var correlation = AudioAnalysis.EnvelopeCorrelation(AudioAnalysis.FrameRms(heard), AudioAnalysis.FrameRms(reference), maxLagFrames: 50);
        Assert.True(correlation > 0.7, $"{expectedCodec}: envelope does not match espeak-ng's rendering (r={correlation:F2})");
    }
}
