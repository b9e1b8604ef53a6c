using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Tests.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

[Collection(ArcodecCollection.Name)]
public sealed class ArcodecLoadingTests
{
    [Fact]
    public async Task Pack_loads_reads_the_cache_geometry_from_the_lm_and_lists_its_voices()
    {
        await using var engine = await ArcodecFixture.LoadAsync();

        Assert.Equal("arcodec", engine.Name);
        Assert.Equal(16000, engine.SampleRate);
        Assert.Equal(["ava", "ben", "cleo"], engine.Voices.Select(v => v.Id));
        Assert.Equal(2, engine.Lm.Layers);
        Assert.Equal(2, engine.Lm.KvHeads);
        Assert.Equal(16, engine.Lm.HeadDim);
        Assert.Equal(16, engine.Lm.SpeakerSize);
        Assert.True(engine.Lm.HasPositionIds);
        Assert.True(engine.WarmUpTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Lm_missing_a_present_output_fails_initialization_naming_the_file_and_the_tensor()
    {
        var engine = OnnxEngineFactory.Load(OnnxFixtures.Pack("invalid/arcodec-no-present"), new OnnxEngineOptions(), NullLogger.Instance);
        await using (engine)
        {
            var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask());
            Assert.Equal("present.1.value", error.TensorName);
            Assert.EndsWith("lm-bad.onnx", error.Path, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_model_without_a_kv_cache_used_as_the_lm_fails_naming_its_first_missing_input()
    {
        var copy = OnnxFixtures.CopyToTemp(ArcodecFixture.Pack);
        EditManifest(copy, m => m["model"] = "codec.onnx");
        var engine = OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance);
        await using (engine)
        {
            var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask());
            Assert.Equal("input_ids", error.TensorName);
            Assert.Contains("codec.onnx", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Codec_with_other_codebooks_than_the_manifest_fails_naming_its_input()
    {
        var copy = OnnxFixtures.CopyToTemp(ArcodecFixture.Pack);
        EditManifest(copy, m =>
        {
            // Same audio token range (one codebook of 128), but the codec declares 2 codebooks.
            m["codec"]!["codebooks"] = 1;
            m["codec"]!["codebookSize"] = 128;
        });
        var engine = OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance);
        await using (engine)
        {
            var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask());
            Assert.Equal("codes", error.TensorName);
        }
    }

    [Fact]
    public async Task Speaker_embedding_of_the_wrong_size_fails_naming_the_voice_file()
    {
        var copy = OnnxFixtures.CopyToTemp(ArcodecFixture.Pack);
        File.WriteAllBytes(Path.Combine(copy, "voices", "ben.bin"), new byte[8 * sizeof(float)]);
        var engine = OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance);
        await using (engine)
        {
            var error = await Assert.ThrowsAsync<ModelPackException>(() => engine.InitializeAsync(CancellationToken.None).AsTask());
            Assert.Contains("'ben'", error.Message, StringComparison.Ordinal);
            Assert.EndsWith(Path.Combine("voices", "ben.bin"), error.Path, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("codec", "has no \"codec\" section")]
    [InlineData("generation", "has no \"generation\" section")]
    [InlineData("tokenizer", "has no \"tokenizer\" section")]
    public void Manifest_without_an_arcodec_section_is_refused_at_load(string section, string message)
    {
        var copy = OnnxFixtures.CopyToTemp(ArcodecFixture.Pack);
        EditManifest(copy, m => m.Remove(section));
        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlap_larger_than_half_a_window_is_refused_at_load()
    {
        var copy = OnnxFixtures.CopyToTemp(ArcodecFixture.Pack);
        EditManifest(copy, m => m["codec"]!["overlapFrames"] = 5);
        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance));
        Assert.Contains("overlapFrames", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_copies_the_voice_once_and_rejects_unknown_voices()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var resolved = engine.Resolve(ArcodecFixture.Voice("ava", seed: 7));

        var conditioning = Assert.IsType<ArcodecVoice>(resolved.Conditioning);
        Assert.Equal(12, conditioning.PromptTokens.Length);
        Assert.Equal(16, conditioning.Embedding.Length);
        Assert.Same(resolved, engine.Resolve(resolved));
        Assert.Throws<ArgumentException>(() => engine.Resolve(ArcodecFixture.Voice("nobody")));
    }

    [Fact]
    public async Task Tokenize_builds_begin_voice_tokens_text_end()
    {
        await using var engine = await ArcodecFixture.LoadAsync();
        var tokens = engine.Tokenize(new TextChunk(0, "Hi", IsLast: true), engine.Resolve(ArcodecFixture.Voice("ben")));

        // begin [1], "ben: hi" as chars (b=7, e=10, n=19, ':'=48, ' '=5, h=13, i=14), end [2, 3].
        Assert.Equal([1L, 7, 10, 19, 48, 5, 13, 14, 2, 3], tokens.TokenIds.ToArray());
    }

    private static void EditManifest(string pack, Action<JsonObject> edit)
    {
        var path = Path.Combine(pack, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
