using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Tts.Tests.Engines;

public sealed class TtsEnginePacksTests
{
    /// <summary>An engine whose every output says which engine made it (its sample rate).</summary>
    private sealed class TaggingEngine(string name, int rate) : ITtsEngine
    {
        public int Batches { get; private set; }

        public string Name => name;

        public int SampleRate => rate;

        public ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice) => new(chunk.Index, name + ":" + chunk.Text, null, ReadOnlyMemory<long>.Empty, chunk.IsLast);

        public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
        {
            Batches++;
            return ValueTask.FromResult<IReadOnlyList<AcousticUnits>>([.. batch.Select(r => new AcousticUnits(r.Tokens.Index, new float[] { rate }, null, r.Tokens.IsLast))]);
        }

        public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
            => ValueTask.FromResult<IReadOnlyList<PcmChunk>>([.. batch.Select(r => new PcmChunk(r.Units.Index, new short[1], rate, r.Units.IsLast))]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Rows_go_to_the_pack_their_voice_names_and_come_back_in_batch_order()
    {
        var espeak = new TaggingEngine("espeak", 22050);
        var kokoro = new TaggingEngine("kokoro", 24000);
        var packs = new TtsEnginePacks(new Dictionary<string, ITtsEngine> { ["espeak"] = espeak, ["lab"] = kokoro }, "espeak");
        VoiceProfile[] voices = [new("lab", "a"), new("espeak", "en-us"), new("lab", "b"), new("unknown-pack", "x")];

        var units = await packs.GenerateAsync([.. voices.Select((v, i) => new GenerationRequest(new TokenChunk(i, "t", null, ReadOnlyMemory<long>.Empty, false), v))], CancellationToken.None);
        var pcm = await packs.VocodeAsync([.. units.Select((u, i) => new VocodeRequest(u, voices[i]))], CancellationToken.None);

        Assert.Equal([24000, 22050, 24000, 22050], pcm.Select(p => p.SampleRate));
        Assert.Equal([0, 1, 2, 3], pcm.Select(p => p.Index));
        Assert.Equal(1, kokoro.Batches); // the two lab rows shared one batch
        Assert.StartsWith("kokoro:", packs.Tokenize(new TextChunk(0, "x", true), voices[0]).Text, StringComparison.Ordinal);
        Assert.Equal("espeak", packs.Name);
    }
}
