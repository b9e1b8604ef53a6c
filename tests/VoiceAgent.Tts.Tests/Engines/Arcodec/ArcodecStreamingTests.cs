using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Tests.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

[Collection(ArcodecCollection.Name)]
public sealed class ArcodecStreamingTests
{
    private const string Text = "Your appointment is confirmed for Tuesday.";

    [Fact]
    public async Task First_pcm_comes_after_the_first_window_while_generation_goes_on()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voice = engine.Resolve(ArcodecFixture.Voice("ava", seed: 3));
        var (window, overlap) = engine.StreamingWindow;
        var tokens = engine.Tokenize(new TextChunk(0, Text, IsLast: true), voice);

        using var generation = engine.StartGeneration(tokens, voice);
        var stream = new CodecWindowStream(engine.Codec, window, overlap);
        float[]? first = null;
        var framesAtFirstPcm = 0;
        while (first is null && !generation.IsFinished)
        {
            generation.NextFrame(CancellationToken.None);
            first = stream.TryDecode(generation.Codes, generation.Frames, generation.IsFinished, CancellationToken.None);
            framesAtFirstPcm = generation.Frames;
        }

        Assert.NotNull(first);
        Assert.Equal(window, framesAtFirstPcm);
        Assert.False(generation.IsFinished);
        Assert.Equal((window - overlap) * engine.HopLength, first.Length);
    }

    [Fact]
    public async Task Streamed_windows_concatenate_to_exactly_the_stage_output()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voice = engine.Resolve(ArcodecFixture.Voice("ben", seed: 11));
        var (window, overlap) = engine.StreamingWindow;

        var pieces = await ArcodecFixture.StreamAsync(engine, Text, voice).WaitAsync(OnnxFixtures.Timeout);
        var staged = await OnnxFixtures.SynthesizeAsync(engine, Text, voice);

        Assert.True(pieces.Count > 3, $"only {pieces.Count} pieces");
        Assert.All(pieces.Take(pieces.Count - 1), p => Assert.Equal((window - overlap) * engine.HopLength, p.Length));
        Assert.Equal(staged.Samples.ToArray(), ArcodecFixture.Concat(pieces));
        Assert.Equal(0, staged.Samples.Length % engine.HopLength);
        Assert.True(OnnxFixtures.Rms(staged.Samples.Span) > 100);
    }

    [Fact]
    public async Task Overlapping_windows_stay_closer_to_a_one_shot_decode_than_hard_cuts()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var voice = engine.Resolve(ArcodecFixture.Voice("cleo", seed: 5));
        var (window, overlap) = engine.StreamingWindow;
        var tokens = engine.Tokenize(new TextChunk(0, Text, IsLast: true), voice);
        using var generation = engine.StartGeneration(tokens, voice);
        while (!generation.IsFinished)
        {
            generation.NextFrame(CancellationToken.None);
        }

        var codes = generation.Codes.ToArray();
        var frames = generation.Frames;
        var whole = engine.Codec.Decode(codes, 0, frames, CancellationToken.None);
        var crossfaded = Decode(new CodecWindowStream(engine.Codec, window, overlap), codes, frames);
        var hardCuts = Decode(new CodecWindowStream(engine.Codec, window - overlap, 0), codes, frames);

        Assert.Equal(whole.Length, crossfaded.Length);
        Assert.Equal(whole.Length, hardCuts.Length);
        Assert.True(ErrorSum(crossfaded, whole) < ErrorSum(hardCuts, whole) / 2, $"crossfaded {ErrorSum(crossfaded, whole)}, hard cuts {ErrorSum(hardCuts, whole)}");
    }

    [Fact]
    public void Crossfade_gains_sum_to_one()
    {
        var signal = Enumerable.Range(0, 64).Select(i => MathF.Sin(i * 0.3f)).ToArray();
        var result = new float[64];
        CodecWindowStream.Crossfade(signal, signal, result);

        for (var i = 0; i < signal.Length; i++)
        {
            Assert.Equal(signal[i], result[i], 5);
        }
    }

    [Fact]
    public async Task Generation_ends_within_the_token_limit_and_not_before_the_minimum()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        foreach (var id in new[] { "ava", "ben", "cleo" })
        {
            for (var seed = 0; seed < 4; seed++)
            {
                var voice = engine.Resolve(ArcodecFixture.Voice(id, seed));
                using var generation = engine.StartGeneration(engine.Tokenize(new TextChunk(0, Text, IsLast: true), voice), voice);
                while (!generation.IsFinished)
                {
                    generation.NextFrame(CancellationToken.None);
                }

                Assert.InRange(generation.Frames * engine.Settings.Codebooks, engine.Settings.MinNewTokens, engine.Settings.MaxNewTokens);
            }
        }
    }

    private static float[] Decode(CodecWindowStream stream, long[] codes, int frames)
    {
        var audio = new List<float>();
        while (stream.TryDecode(codes, frames, finished: true, CancellationToken.None) is { } piece)
        {
            audio.AddRange(piece);
        }

        return [.. audio];
    }

    private static double ErrorSum(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Sum();
}
