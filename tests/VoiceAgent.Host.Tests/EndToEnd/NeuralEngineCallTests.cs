using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>
/// Calls spoken by the neural engines, loaded from the committed fixture model packs (tiny random
/// weights with each family's exact tensors: what comes out is noise-like, but it is the model's output).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NeuralEngineCallTests
{
    private static string Pack(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "models", name);

    [Theory]
    [InlineData("piper", "en_US-fixturemulti-medium:bob", 22050)]
    [InlineData("kokoro", "af_alpha", 24000)]
    [InlineData("arcodec", "ava", 16000)]
    public async Task A_caller_hears_the_neural_engine_and_its_voices_are_listed(string engine, string firstVoice, int rate)
    {
        await using var host = await RunningHost.StartAsync($"--Tts:Engine={engine}", $"--Tts:ModelPath={Pack(engine)}", "--Inbound:Greeting=Hello from the model.");
        using var phone = new BaresipPhone();

        var result = await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(4));

        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        var greeting = call.Utterances[0];
        Assert.Equal("completed", greeting.Outcome);
        Assert.NotNull(greeting.Timeline.FirstRtpPacketMs);
        Assert.True(AudioAnalysis.SpeechSeconds(result.Heard!, TimeSpan.Zero, result.Elapsed) > 0.2, "the caller heard the model's audio");

        using var voices = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/voices"));
        var listed = voices.RootElement.EnumerateArray().ToList();
        Assert.True(listed.Count >= 2);
        Assert.All(listed, v => Assert.Equal(engine, v.GetProperty("engine").GetString()));
        Assert.Contains(listed, v => v.GetProperty("id").GetString() == firstVoice && v.GetProperty("sampleRate").GetInt32() == rate);
    }

    [Fact]
    public async Task The_sampling_engine_repeats_itself_for_a_seed_and_varies_across_seeds()
    {
        await using var host = await RunningHost.StartAsync("--Tts:Engine=arcodec", $"--Tts:ModelPath={Pack("arcodec")}");

        async Task<byte[]> SpeakAsync(int seed)
        {
            using var response = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "arcodec", input = "Hello there, how are you?", voice = "ben", response_format = "pcm", seed });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync();
        }

        var first = await SpeakAsync(7);
        Assert.True(first.Length > 1000);
        Assert.Equal(first, await SpeakAsync(7));
        Assert.NotEqual(first, await SpeakAsync(8));
    }

    [Fact]
    public async Task Several_packs_load_at_once_and_each_number_or_request_picks_its_voice()
    {
        await using var host = await RunningHost.StartAsync(
            "--Tts:Packs:kokoro:Engine=kokoro", $"--Tts:Packs:kokoro:ModelPath={Pack("kokoro")}",
            "--Tts:Packs:lab:Engine=piper", $"--Tts:Packs:lab:ModelPath={Pack("piper")}",
            "--Inbound:Voices:clinic=lab/en_US-fixture-low", "--Inbound:Greeting=Hello.");

        using var voices = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/voices"));
        var ids = voices.RootElement.EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToList();
        Assert.Contains("en-us", ids);
        Assert.Contains("kokoro/am_beta", ids);
        Assert.Contains("lab/en_US-fixture-low", ids);

        using (var speech = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "kokoro", input = "Hi there.", voice = "am_beta", response_format = "pcm" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, speech.StatusCode);
            Assert.Equal("24000", speech.Headers.GetValues("X-Sample-Rate").Single());
        }

        using var phone = new BaresipPhone();
        await phone.CallAsync(host.Uri("clinic"), TimeSpan.FromSeconds(3));
        await phone.CallAsync(host.Uri("other"), TimeSpan.FromSeconds(3));
        var calls = await host.GetCallsAsync();
        Assert.Equal("lab/en_US-fixture-low", calls.Single(c => c.To.Contains("clinic", StringComparison.Ordinal)).Utterances[0].Voice);
        Assert.Equal("espeak/en-us", calls.Single(c => c.To.Contains("other", StringComparison.Ordinal)).Utterances[0].Voice);
        Assert.All(calls, c => Assert.Equal("completed", c.Utterances[0].Outcome));
    }

    [Fact]
    public async Task A_number_voice_that_no_pack_has_stops_start_up_naming_the_key()
    {
        var app = VoiceAgentApp.Build(["--Tts:Packs:kokoro:Engine=kokoro", $"--Tts:Packs:kokoro:ModelPath={Pack("kokoro")}", "--Inbound:Voices:clinic=kokoro/nobody",
            "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", "--urls=http://127.0.0.1:0"]);
        var error = await Assert.ThrowsAsync<StartupException>(() => app.StartAsync());
        Assert.Contains("Inbound:Voices:clinic", error.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public void A_neural_engine_without_a_model_pack_stops_start_up_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build(["--Tts:Engine=piper"]));

        Assert.Contains("Tts:ModelPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_pack_or_an_unknown_voice_stops_start_up_with_a_clear_message()
    {
        // A pack directory that does not exist is a configuration error, found before anything starts.
        var missing = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build(["--Tts:Engine=kokoro", "--Tts:ModelPath=/nonexistent/pack", "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", "--urls=http://127.0.0.1:0"]));
        Assert.Contains("Tts:ModelPath", missing.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/pack", missing.Message, StringComparison.Ordinal);

        var unknownVoice = VoiceAgentApp.Build(["--Tts:Engine=piper", $"--Tts:ModelPath={Pack("piper")}", "--Tts:Voice=nobody", "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", "--urls=http://127.0.0.1:0"]);
        var error = await Assert.ThrowsAsync<StartupException>(() => unknownVoice.StartAsync());
        Assert.Contains("Tts:Voice 'nobody'", error.Message, StringComparison.Ordinal);
        await unknownVoice.DisposeAsync();
    }
}
