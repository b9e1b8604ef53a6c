using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

/// <summary>Quantized exports load like fp32 ones: an int8 (QDQ) Piper voice passes the contract check and speaks.</summary>
public sealed class QuantizedModelTests
{
    [Fact]
    public async Task An_int8_qdq_piper_voice_loads_and_speaks_like_an_fp32_one()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack("piper-int8"));
        var voice = ((IVoiceCatalog)engine).Voices.Single();

        var pcm = await OnnxFixtures.SynthesizeAsync(engine, "Your appointment is confirmed.", new VoiceProfile("piper", voice.Id));

        Assert.Equal(16000, pcm.SampleRate);
        Assert.True(pcm.Samples.Length > 1000);
        Assert.True(pcm.Samples.ToArray().Any(s => Math.Abs((int)s) > 1000), "the quantized model produced audio");
    }
}
