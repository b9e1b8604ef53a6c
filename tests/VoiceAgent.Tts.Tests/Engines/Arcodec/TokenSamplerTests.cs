using VoiceAgent.Tts.Engines.Arcodec;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

public sealed class TokenSamplerTests
{
    // Softmax of these at temperature 1: 0.6439, 0.2369, 0.0871, 0.0321 (token 4 is not allowed in most tests).
    private static float[] Logits() => [3f, 2f, 1f, 0f, 10f];

    [Fact]
    public void Temperature_zero_is_greedy_and_ties_go_to_the_lowest_id()
    {
        var (ids, probabilities) = TokenSampler.Distribution(new float[] { 1f, 5f, 5f, 0f }, [3, 2, 1, 0], SamplingSettings.Greedy);

        Assert.Equal([1L], ids);
        Assert.Equal([1.0], probabilities);
    }

    [Fact]
    public void Only_allowed_ids_are_candidates()
    {
        var (ids, _) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(1f, 0, 1f, 1f));

        Assert.Equal([0L, 1, 2, 3], ids);
    }

    [Fact]
    public void Temperature_sharpens_and_flattens_the_softmax()
    {
        var (_, sharp) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(0.5f, 0, 1f, 1f));
        var (_, normal) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(1f, 0, 1f, 1f));
        var (_, flat) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(2f, 0, 1f, 1f));

        Assert.Equal(0.6439, normal[0], 3);
        Assert.Equal(Math.Exp(3) / (Math.Exp(3) + Math.Exp(2) + Math.Exp(1) + 1), normal[0], 9);
        Assert.Equal(Math.Exp(6) / (Math.Exp(6) + Math.Exp(4) + Math.Exp(2) + 1), sharp[0], 9);
        Assert.Equal(Math.Exp(1.5) / (Math.Exp(1.5) + Math.Exp(1) + Math.Exp(0.5) + 1), flat[0], 9);
        Assert.True(sharp[0] > normal[0] && normal[0] > flat[0]);
    }

    [Fact]
    public void Top_k_keeps_the_k_most_likely_renormalized()
    {
        var (ids, probabilities) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(1f, 2, 1f, 1f));

        Assert.Equal([0L, 1], ids);
        Assert.Equal(Math.E / (Math.E + 1), probabilities[0], 9);
        Assert.Equal(1.0, probabilities.Sum(), 9);
    }

    [Theory]
    [InlineData(0.5f, 1)] // 0.644 >= 0.5 already
    [InlineData(0.8f, 2)] // 0.644 + 0.237 = 0.881
    [InlineData(0.9f, 3)] // + 0.087 = 0.968
    [InlineData(1.0f, 4)]
    public void Top_p_keeps_the_smallest_prefix_reaching_p(float topP, int kept)
    {
        var (ids, probabilities) = TokenSampler.Distribution(Logits(), [0, 1, 2, 3], new SamplingSettings(1f, 0, topP, 1f));

        Assert.Equal(kept, ids.Length);
        Assert.Equal(1.0, probabilities.Sum(), 9);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens_once()
    {
        var logits = new float[] { 3f, -2f, 1f, 4f };
        TokenSampler.ApplyRepetitionPenalty(logits, new HashSet<long> { 0, 1 }, 2f);

        Assert.Equal([1.5f, -4f, 1f, 4f], logits);
    }

    [Fact]
    public void Repetition_penalty_can_change_the_greedy_choice()
    {
        var logits = new float[] { 3f, 2f, 1f };
        var token = TokenSampler.Sample(logits, [0, 1, 2], new HashSet<long> { 0 }, new SamplingSettings(0f, 0, 1f, 2f), new SamplerRandom(1));

        Assert.Equal(1, token);
    }

    [Fact]
    public void Draws_follow_the_distribution_and_repeat_for_the_same_seed()
    {
        var settings = new SamplingSettings(1f, 0, 1f, 1f);
        var counts = new int[4];
        var first = new List<long>();
        var random = new SamplerRandom(42);
        for (var i = 0; i < 20000; i++)
        {
            var token = TokenSampler.Sample(Logits(), [0, 1, 2, 3], [], settings, random);
            counts[token]++;
            if (i < 50)
            {
                first.Add(token);
            }
        }

        Assert.Equal(0.6439, counts[0] / 20000.0, 1);
        Assert.Equal(0.2369, counts[1] / 20000.0, 1);
        Assert.True(counts[3] > 0);

        var again = new SamplerRandom(42);
        Assert.Equal(first, Enumerable.Range(0, 50).Select(_ => TokenSampler.Sample(Logits(), [0, 1, 2, 3], [], settings, again)));
    }

    [Fact]
    public void Chunk_streams_of_one_seed_differ_and_repeat()
    {
        var a = SamplerRandom.ForChunk(7, 0).NextUInt64();
        Assert.Equal(a, SamplerRandom.ForChunk(7, 0).NextUInt64());
        Assert.NotEqual(a, SamplerRandom.ForChunk(7, 1).NextUInt64());
        Assert.NotEqual(a, SamplerRandom.ForChunk(8, 0).NextUInt64());
    }
}
