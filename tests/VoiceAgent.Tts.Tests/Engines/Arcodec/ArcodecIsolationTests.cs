using VoiceAgent.Tts.Tests.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

/// <summary>
/// ARCHITECTURE.md "Speech sessions and isolation" for the sampling family: each session's KV cache, RNG and history
/// are its own, so 16 sessions streaming at once hear exactly what they hear alone, and a cancelled one disturbs none.
/// </summary>
[Collection(ArcodecCollection.Name)]
public sealed class ArcodecIsolationTests
{
    private const string Text = "Your appointment is confirmed.";

    [Fact]
    public async Task Sixteen_concurrent_sessions_with_different_voices_and_seeds_each_produce_what_they_produce_alone()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voices = Sessions().Select((v, i) => i % 2 == 0 ? engine.Resolve(v) : v).ToArray();
        var alone = new short[voices.Length][];
        for (var i = 0; i < voices.Length; i++)
        {
            alone[i] = (await OnnxFixtures.SynthesizeAsync(engine, Text, voices[i])).Samples.ToArray();
        }

        using var start = new SemaphoreSlim(0);
        var tasks = voices.Select(voice => Task.Run(async () =>
        {
            await start.WaitAsync();
            return ArcodecFixture.Concat(await ArcodecFixture.StreamAsync(engine, Text, voice));
        })).ToArray();
        start.Release(voices.Length);
        var together = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));

        for (var i = 0; i < voices.Length; i++)
        {
            Assert.True(alone[i].AsSpan().SequenceEqual(together[i]), $"session {i} ({voices[i].Voice}, seed {voices[i].Seed}) differs from alone");
            for (var j = 0; j < i; j++)
            {
                Assert.False(alone[i].AsSpan().SequenceEqual(alone[j]), $"sessions {j} and {i} sound the same");
            }
        }
    }

    [Fact]
    public async Task Cancelling_one_session_mid_utterance_leaves_the_others_bit_for_bit_unchanged()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voices = Sessions();
        var alone = new short[voices.Length][];
        for (var i = 0; i < voices.Length; i++)
        {
            alone[i] = ArcodecFixture.Concat(await ArcodecFixture.StreamAsync(engine, Text, voices[i]));
        }

        const int victim = 5;
        using var cancel = new CancellationTokenSource();
        using var start = new SemaphoreSlim(0);
        var tasks = voices.Select((voice, i) => Task.Run(async () =>
        {
            await start.WaitAsync();
            var tokens = engine.Tokenize(new VoiceAgent.Tts.Engines.TextChunk(0, Text, IsLast: true), voice);
            var pieces = new List<short[]>();
            await foreach (var pcm in engine.StreamAsync(tokens, voice, i == victim ? cancel.Token : CancellationToken.None))
            {
                pieces.Add(pcm.Samples.ToArray());
                if (i == victim)
                {
                    // Barge-in after the first audio.
                    await cancel.CancelAsync();
                }
            }

            return ArcodecFixture.Concat(pieces);
        })).ToArray();
        start.Release(voices.Length);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tasks[victim]).WaitAsync(TimeSpan.FromSeconds(120));
        for (var i = 0; i < voices.Length; i++)
        {
            if (i != victim)
            {
                Assert.Equal(alone[i], await tasks[i].WaitAsync(TimeSpan.FromSeconds(120)));
            }
        }
    }

    private static VoiceProfile[] Sessions()
    {
        // Three voices, most with their own seed; sessions 3, 7 and 11 use their voice's default seed from the manifest.
        string[] ids = ["ava", "ben", "cleo"];
        return Enumerable.Range(0, 16).Select(i => ArcodecFixture.Voice(ids[i % ids.Length], seed: i is 3 or 7 or 11 ? null : 100 + i)).ToArray();
    }
}
