using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Kokoro;
using VoiceAgent.Tts.Engines.Onnx;
using VoiceAgent.Tts.Engines.Piper;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

public sealed class ModelPackLoadingTests
{
    [Fact]
    public async Task Piper_pack_loads_and_lists_each_speaker_with_its_voice_rate_and_language()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.PiperPack);

        Assert.IsType<PiperEngine>(engine);
        Assert.Equal("piper", engine.Name);
        Assert.Equal(16000, engine.SampleRate); // the manifest's first voice
        Assert.Equal(
            [
                new VoiceInfo("en_US-fixture-low", "piper", "en-us", 16000),
                new VoiceInfo("en_US-fixturemulti-medium:alice", "piper", "en-us", 22050),
                new VoiceInfo("en_US-fixturemulti-medium:bob", "piper", "en-us", 22050),
                new VoiceInfo("en_US-fixturemulti-medium:carol", "piper", "en-us", 22050),
                new VoiceInfo("en_US-fixturemulti-medium:dave", "piper", "en-us", 22050),
            ],
            ((IVoiceCatalog)engine).Voices);
    }

    [Fact]
    public async Task Kokoro_pack_loads_and_lists_its_voices_at_24_khz()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);

        Assert.IsType<KokoroEngine>(engine);
        Assert.Equal(24000, engine.SampleRate);
        Assert.Equal(
            [
                new VoiceInfo("af_alpha", "kokoro", "en-us", 24000),
                new VoiceInfo("am_beta", "kokoro", "en-us", 24000),
                new VoiceInfo("bf_gamma", "kokoro", "en-gb", 24000),
            ],
            ((IVoiceCatalog)engine).Voices);
    }

    [Fact]
    public void Voices_can_be_listed_without_loading_the_models()
    {
        var voices = OnnxEngineFactory.ListVoices(Path.Combine(OnnxFixtures.KokoroPack, "manifest.json"), NullLogger.Instance);

        Assert.Equal(["af_alpha", "am_beta", "bf_gamma"], voices.Select(v => v.Id));
    }

    [Fact]
    public void Missing_manifest_is_a_model_pack_error_naming_the_file()
    {
        var directory = Path.Combine(Path.GetTempPath(), "voiceagent-no-pack-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);

        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(directory, new OnnxEngineOptions(), NullLogger.Instance));

        Assert.Equal(Path.Combine(directory, "manifest.json"), error.Path);
        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("piper", "en_US-fixture-low.onnx")]
    [InlineData("piper", "en_US-fixturemulti-medium.onnx.json")]
    [InlineData("kokoro", "kokoro-fixture.onnx")]
    [InlineData("kokoro", "voices/am_beta.bin")]
    public void Missing_file_named_in_the_manifest_fails_at_load_naming_it(string pack, string file)
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.Pack(pack));
        var missing = Path.GetFullPath(Path.Combine(copy, file));
        File.Delete(missing);

        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance));

        Assert.Equal(missing, error.Path);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piper_model_whose_input_is_not_int64_fails_naming_the_file_and_the_input()
    {
        var engine = OnnxEngineFactory.Load(OnnxFixtures.Pack("invalid/piper-float-input"), new OnnxEngineOptions(), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));

        Assert.Equal("input", error.TensorName);
        Assert.EndsWith("en_US-bad-low.onnx", error.Path, StringComparison.Ordinal);
        Assert.Contains("en_US-bad-low.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kokoro_model_without_a_style_input_fails_naming_the_missing_input()
    {
        var engine = OnnxEngineFactory.Load(OnnxFixtures.Pack("invalid/kokoro-no-style"), new OnnxEngineOptions(), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));

        Assert.Equal("style", error.TensorName);
        Assert.EndsWith("kokoro-bad.onnx", error.Path, StringComparison.Ordinal);
        Assert.Contains("ref_s", error.Message, StringComparison.Ordinal); // what the model has instead
    }

    [Fact]
    public async Task Model_file_that_is_not_onnx_fails_initialization_naming_the_file()
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.PiperPack);
        var model = Path.Combine(copy, "en_US-fixture-low.onnx");
        File.WriteAllText(model, "<html>404 Not Found</html>");
        var engine = OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelPackException>(() => engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));

        Assert.Equal(model, error.Path);
        Assert.Contains(model, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_io_names_override_the_family_defaults()
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.KokoroPack);
        var manifestPath = Path.Combine(copy, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["io"] = new JsonObject { ["style"] = "ref_s" };
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var engine = OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelContractException>(() => engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));

        Assert.Equal("ref_s", error.TensorName);
    }

    [Fact]
    public void Truncated_kokoro_voice_pack_is_refused_naming_the_file_and_the_expected_size()
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.KokoroPack);
        var pack = Path.Combine(copy, "voices", "am_beta.bin");
        File.WriteAllBytes(pack, File.ReadAllBytes(pack)[..1000]);

        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance));

        Assert.Equal(pack, error.Path);
        Assert.Contains("522240", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Npy_voice_pack_speaks_exactly_as_the_same_raw_bin_pack()
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.KokoroPack);
        var bin = Path.Combine(copy, "voices", "am_beta.bin");
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (510, 1, 256), }";
        header = header.PadRight(118 - 1) + "\n"; // 10-byte preamble + header = 128, as numpy aligns it
        using (var npy = File.Create(Path.Combine(copy, "voices", "am_beta.npy")))
        {
            npy.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
            npy.Write(System.Text.Encoding.ASCII.GetBytes(header));
            npy.Write(File.ReadAllBytes(bin));
        }

        var manifestPath = Path.Combine(copy, "manifest.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("am_beta.bin", "am_beta.npy", StringComparison.Ordinal));
        await using var npyEngine = await OnnxFixtures.LoadAsync(copy);
        await using var binEngine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);
        var voice = new VoiceProfile("kokoro", "am_beta");

        var fromNpy = await OnnxFixtures.SynthesizeAsync(npyEngine, "Hello there.", voice);
        var fromBin = await OnnxFixtures.SynthesizeAsync(binEngine, "Hello there.", voice);

        Assert.Equal(fromBin.Samples.ToArray(), fromNpy.Samples.ToArray());
    }

    [Fact]
    public void Unknown_engine_in_the_manifest_is_refused()
    {
        var copy = OnnxFixtures.CopyToTemp(OnnxFixtures.KokoroPack);
        var manifestPath = Path.Combine(copy, "manifest.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"kokoro\"", "\"tacotron\"", StringComparison.Ordinal));

        var error = Assert.Throws<ModelPackException>(() => OnnxEngineFactory.Load(copy, new OnnxEngineOptions(), NullLogger.Instance));

        Assert.Contains("tacotron", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OnnxExecutionProvider.Cuda)]
    [InlineData(OnnxExecutionProvider.TensorRt)]
    public async Task Unavailable_execution_provider_is_a_clear_error(OnnxExecutionProvider provider)
    {
        var engine = OnnxEngineFactory.Load(OnnxFixtures.KokoroPack, new OnnxEngineOptions { ExecutionProvider = provider }, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => engine.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout));

        Assert.Contains(provider.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowCpuFallback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unavailable_execution_provider_with_cpu_fallback_warns_and_runs_on_the_cpu()
    {
        var logger = new CapturingLogger();
        var options = new OnnxEngineOptions { ExecutionProvider = OnnxExecutionProvider.Cuda, AllowCpuFallback = true };

        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack, options, logger);
        var pcm = await OnnxFixtures.SynthesizeAsync(engine, "Hello.", new VoiceProfile("kokoro", "af_alpha"));

        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Cuda", StringComparison.Ordinal));
        Assert.True(pcm.Samples.Length > 0);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(65, 1)]
    public void Thread_counts_out_of_range_are_refused_at_load(int intra, int inter)
    {
        var options = new OnnxEngineOptions { IntraOpThreads = intra, InterOpThreads = inter };

        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxEngineFactory.Load(OnnxFixtures.KokoroPack, options, NullLogger.Instance));
    }

    [Fact]
    public async Task Kokoro_export_with_int32_speed_and_1d_waveform_is_detected_and_runs()
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack("kokoro-int32-speed"));
        await using var floatEngine = await OnnxFixtures.LoadAsync(OnnxFixtures.KokoroPack);
        var voice = new VoiceProfile("kokoro", "af_alpha");

        var pcm = await OnnxFixtures.SynthesizeAsync(engine, "Hello there.", voice);
        var reference = await OnnxFixtures.SynthesizeAsync(floatEngine, "Hello there.", voice);

        // Same weights and seed in both fixtures: at speed 1 the int32 export must say exactly what the float one says.
        Assert.Equal(reference.Samples.ToArray(), pcm.Samples.ToArray());
    }

    [Fact]
    public async Task Warm_up_runs_at_initialization()
    {
        var piper = (PiperEngine)OnnxEngineFactory.Load(OnnxFixtures.PiperPack, new OnnxEngineOptions(), NullLogger.Instance);
        var kokoro = (KokoroEngine)OnnxEngineFactory.Load(OnnxFixtures.KokoroPack, new OnnxEngineOptions(), NullLogger.Instance);
        Assert.Equal(TimeSpan.Zero, piper.WarmUpTime);

        await piper.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout);
        await kokoro.InitializeAsync(CancellationToken.None).AsTask().WaitAsync(OnnxFixtures.Timeout);

        Assert.True(piper.WarmUpTime > TimeSpan.Zero);
        Assert.True(kokoro.WarmUpTime > TimeSpan.Zero);
        await piper.DisposeAsync();
        await kokoro.DisposeAsync();
    }

    [Fact]
    public async Task Generating_before_initialization_is_an_invalid_operation()
    {
        var engine = OnnxEngineFactory.Load(OnnxFixtures.KokoroPack, new OnnxEngineOptions(), NullLogger.Instance);
        var tokens = new TokenChunk(0, "Hi.", "hˈaɪ.", new long[] { 0, 50, 156, 43, 135, 4, 0 }, true);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => engine.GenerateAsync([new GenerationRequest(tokens, new VoiceProfile("kokoro", "af_alpha"))], CancellationToken.None).AsTask());
    }
}
