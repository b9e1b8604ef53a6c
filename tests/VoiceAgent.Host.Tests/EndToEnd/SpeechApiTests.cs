using System.Net;
using System.Net.Http.Json;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary><c>POST /v1/audio/speech</c> (OpenAI-compatible) and the <c>synth</c> command.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SpeechApiTests
{
    private const string Text = "Your table for two is booked for seven thirty tonight.";

    [Fact]
    public async Task Every_format_carries_the_same_speech_and_ogg_opus_decodes_with_libsndfile()
    {
        await using var host = await RunningHost.StartAsync();

        using var wavResponse = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = Text, voice = "en-us", response_format = "wav" });
        Assert.Equal(HttpStatusCode.OK, wavResponse.StatusCode);
        Assert.Equal("audio/wav", wavResponse.Content.Headers.ContentType?.MediaType);
        var wavPath = Path.GetTempFileName();
        await File.WriteAllBytesAsync(wavPath, await wavResponse.Content.ReadAsByteArrayAsync());
        var wav = WavFile.Read(wavPath);
        var seconds = (double)wav.Samples.Length / wav.SampleRate;
        Assert.Equal(22050, wav.SampleRate);
        Assert.InRange(seconds, 2, 6);
        Assert.True(AudioAnalysis.SpeechSeconds(wav, TimeSpan.Zero, TimeSpan.FromSeconds(seconds)) > 1.5);

        using var opusResponse = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { input = Text, response_format = "opus" });
        Assert.Equal("audio/ogg", opusResponse.Content.Headers.ContentType?.MediaType);
        var opusPath = Path.ChangeExtension(Path.GetTempFileName(), ".ogg");
        await File.WriteAllBytesAsync(opusPath, await opusResponse.Content.ReadAsByteArrayAsync());
        var (opus, opusRate, format) = SndFile.Read(opusPath);
        Assert.Equal(0x200064, format); // SF_FORMAT_OGG | SF_FORMAT_OPUS
        Assert.Equal(48000, opusRate);
        Assert.InRange((double)opus.Length / opusRate, seconds - 0.05, seconds + 0.05);
        Assert.True(AudioAnalysis.SpeechSeconds(new WavFile(opusRate, opus), TimeSpan.Zero, TimeSpan.FromSeconds(seconds)) > 1.5);

        using var mulawResponse = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { input = Text, response_format = "mulaw" });
        var mulaw = await mulawResponse.Content.ReadAsByteArrayAsync();
        Assert.InRange(mulaw.Length / 8000.0, seconds - 0.05, seconds + 0.05);
        Assert.Equal("8000", mulawResponse.Headers.GetValues("X-Sample-Rate").Single());
        File.Delete(wavPath);
        File.Delete(opusPath);
    }

    [Fact]
    public async Task A_streamed_request_sends_audio_before_the_text_is_fully_synthesized()
    {
        await using var host = await RunningHost.StartAsync();
        var longText = string.Join(' ', Enumerable.Repeat("This sentence is one of many in a long announcement.", 12));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = JsonContent.Create(new { input = longText, response_format = "pcm", stream = true }) };

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var first = await body.ReadAsync(buffer);
        var firstAt = started.Elapsed;
        long total = first;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        var lastAt = started.Elapsed;
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("22050", response.Headers.GetValues("X-Sample-Rate").Single());
        Assert.True(total / 2.0 / 22050 > 20, $"{total} bytes");
        Assert.True(firstAt < lastAt / 2, $"first bytes after {firstAt.TotalMilliseconds} ms, last after {lastAt.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Bad_requests_get_problem_details_naming_each_field()
    {
        await using var host = await RunningHost.StartAsync();

        using var response = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "whisper", input = "", response_format = "mp3", speed = 9, seed = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "model", "input", "response_format", "speed", "seed" })
        {
            Assert.Contains($"\"{field}\"", problem, StringComparison.Ordinal);
        }

        using var unknownVoice = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "piper", input = "Hi" });
        Assert.Contains("\"model\"", await unknownVoice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var notJson = await host.Http.PostAsync("/v1/audio/speech", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task The_synth_command_writes_a_file_without_a_phone()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var path = Path.ChangeExtension(Path.GetTempFileName(), ".wav");

        var code = await VoiceAgent.Host.Speech.Synthesis.SynthCommand.RunAsync(
            ["--text", "Testing one two three.", "--engine", "kokoro", "--model", Path.Combine(AppContext.BaseDirectory, "fixtures", "models", "kokoro"), "--voice", "am_beta", "--out", path],
            output,
            error);

        Assert.Equal(0, code);
        Assert.Contains("kokoro voice am_beta", output.ToString(), StringComparison.Ordinal);
        var wav = WavFile.Read(path);
        Assert.Equal(24000, wav.SampleRate);
        Assert.True(wav.Samples.Length > 1000);
        File.Delete(path);

        Assert.Equal(2, await VoiceAgent.Host.Speech.Synthesis.SynthCommand.RunAsync(["--text", "x", "--out", "a.mp3"], output, error));
        Assert.Contains("cannot tell the format", error.ToString(), StringComparison.Ordinal);
    }
}
