using Microsoft.ML.OnnxRuntime.Tensors;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Tests.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

[Collection(ArcodecCollection.Name)]
public sealed class ArcodecKvCacheTests
{
    [Theory]
    [InlineData("arcodec", 1e-4f)]
    [InlineData("arcodec-fp16", 2e-2f)] // the cache is rounded to fp16 once per step either way; logits too
    public async Task Logits_with_the_growing_cache_equal_a_full_recomputation_without_cache(string pack, float tolerance)
    {
        await using var engine = await ArcodecFixture.LoadAsync(OnnxFixtures.Pack(pack));
        var voice = engine.Resolve(ArcodecFixture.Voice("cleo"));
        var prompt = engine.Tokenize(new TextChunk(0, "Your table is ready.", IsLast: true), voice).TokenIds.ToArray();
        var speaker = ((VoiceAgent.Tts.Engines.Arcodec.ArcodecVoice)voice.Conditioning!).Embedding;
        var lm = engine.Lm;
        var sequence = new List<long>(prompt);

        using var cache = lm.CreateCache();
        var cached = lm.Forward(cache, prompt, speaker, CancellationToken.None);
        Assert.Equal(prompt.Length, cache.Length);
        for (var step = 0; step < 6; step++)
        {
            using (var fresh = lm.CreateCache())
            {
                var full = lm.Forward(fresh, sequence.ToArray(), speaker, CancellationToken.None);
                Assert.True(MaxAbsDifference(cached, full) < tolerance, $"step {step}: cached logits differ from the full pass by {MaxAbsDifference(cached, full)}");
            }

            // Feed an audio token of the right codebook, as generation would.
            var token = engine.Settings.AudioTokenOffset + ((step % engine.Settings.Codebooks) * engine.Settings.CodebookSize) + (3 * step);
            sequence.Add(token);
            cached = lm.Forward(cache, [token], speaker, CancellationToken.None);
            Assert.Equal(sequence.Count, cache.Length);
        }
    }

    [Fact]
    public async Task Cache_actually_carries_the_prompt()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voice = engine.Resolve(ArcodecFixture.Voice("ben"));
        var speaker = ((VoiceAgent.Tts.Engines.Arcodec.ArcodecVoice)voice.Conditioning!).Embedding;
        var lm = engine.Lm;
        long token = engine.Settings.AudioTokenOffset + 1;

        using var withPrompt = lm.CreateCache();
        lm.Forward(withPrompt, [1L, 7, 10, 19], speaker, CancellationToken.None);
        var after = lm.Forward(withPrompt, [token], speaker, CancellationToken.None);
        using var otherPrompt = lm.CreateCache();
        lm.Forward(otherPrompt, [1L, 20, 21, 22], speaker, CancellationToken.None);
        var afterOther = lm.Forward(otherPrompt, [token], speaker, CancellationToken.None);

        Assert.True(MaxAbsDifference(after, afterOther) > 1e-3f);
    }

    [Fact]
    public async Task Fp16_export_is_read_from_the_metadata_and_speaks()
    {
        await using var engine = await ArcodecFixture.LoadAsync(OnnxFixtures.Pack("arcodec-fp16"));
        var voice = engine.Resolve(ArcodecFixture.Voice("ava", seed: 9));

        var pcm = await OnnxFixtures.SynthesizeAsync(engine, "Please hold.", voice);

        Assert.Equal(TensorElementType.Float16, engine.Lm.KvType);
        Assert.True(pcm.Samples.Length > 0 && pcm.Samples.Length % engine.HopLength == 0);
        Assert.Equal(pcm.Samples.ToArray(), (await OnnxFixtures.SynthesizeAsync(engine, "Please hold.", voice)).Samples.ToArray());
    }

    private static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
