using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

public sealed class ArcodecKvCacheTests
{
    [Fact]
    public async Task Logits_with_the_growing_cache_equal_a_full_recomputation_without_cache()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
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
                Assert.True(MaxAbsDifference(cached, full) < 1e-4f, $"step {step}: cached logits differ from the full pass by {MaxAbsDifference(cached, full)}");
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
