using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Stages;

namespace VoiceAgent.Host.Speech.Synthesis;

/// <summary>
/// <c>VoiceAgent.Host synth --text "..." [--engine piper --model DIR] [--voice V] [--speed S] --out file.wav</c>:
/// tries a voice without a phone. The format follows the file name (.wav, .opus/.ogg, .ulaw, .pcm).
/// The same configuration layers apply; these options override Tts:Engine, Tts:ModelPath, Tts:Voice, Tts:Speed.
/// </summary>
internal static class SynthCommand
{
    public const string Name = "synth";
    private static readonly Dictionary<string, string> OptionKeys = new(StringComparer.Ordinal)
    {
        ["--engine"] = "Tts:Engine",
        ["--model"] = "Tts:ModelPath",
        ["--voice"] = "Tts:Voice",
        ["--speed"] = "Tts:Speed",
        ["--provider"] = "Tts:ExecutionProvider",
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? text = null, outPath = null;
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            if (i + 1 >= args.Length)
            {
                await error.WriteLineAsync($"VoiceAgent synth: {option} needs a value. {Usage}");
                return 2;
            }

            var value = args[++i];
            switch (option)
            {
                case "--text":
                    text = value;
                    break;
                case "--out":
                    outPath = value;
                    break;
                case var known when OptionKeys.TryGetValue(known, out var key):
                    overrides[key] = value;
                    break;
                default:
                    await error.WriteLineAsync($"VoiceAgent synth: unknown option {option}. {Usage}");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(text) || string.IsNullOrWhiteSpace(outPath))
        {
            await error.WriteLineAsync($"VoiceAgent synth: --text and --out are required. {Usage}");
            return 2;
        }

        var format = FormatOf(outPath);
        if (format is null)
        {
            await error.WriteLineAsync($"VoiceAgent synth: cannot tell the format of '{outPath}'; use .wav, .opus, .ogg, .ulaw or .pcm.");
            return 2;
        }

        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: true)
                .AddEnvironmentVariables("VOICEAGENT_")
                .AddInMemoryCollection(overrides)
                .Build();
            var settings = TtsSettings.Load(new ConfigurationReader(configuration));
            var started = Stopwatch.StartNew();
            await using var engine = SpeechServiceCollectionExtensions.CreateEngine(settings, NullLogger.Instance);
            await engine.InitializeAsync(CancellationToken.None);
            var voices = new VoiceDirectory(engine, settings);
            var voice = voices.Create();
            await using var pipeline = new SpeechPipeline(engine, new NormalizingTextFrontend(voices.LanguageOf(voice.Voice)), new PipelineOptions(), NullLogger<SpeechPipeline>.Instance);
            var loaded = started.Elapsed;
            await using (var file = File.Create(outPath))
            await using (var sink = SpeechAudioFormat.Create(format, file))
            {
                await new SpeechSynthesizer(pipeline).SynthesizeAsync(text, voice, sink, CancellationToken.None);
            }

            await output.WriteLineAsync($"VoiceAgent synth: wrote {outPath} ({format}, {engine.Name} voice {voice.Voice}; engine ready in {loaded.TotalMilliseconds:F0} ms, total {started.Elapsed.TotalMilliseconds:F0} ms)");
            return 0;
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync($"VoiceAgent synth: configuration error: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is StartupException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await error.WriteLineAsync($"VoiceAgent synth: {ex.Message}");
            return 1;
        }
    }

    private const string Usage = "Usage: synth --text \"Hello\" --out hello.wav [--engine espeak|piper|kokoro] [--model DIR] [--voice V] [--speed S] [--provider cpu|cuda|tensorrt]";

    private static string? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" => "wav",
        ".opus" or ".ogg" => "opus",
        ".ulaw" or ".mulaw" or ".ul" => "mulaw",
        ".pcm" or ".raw" => "pcm",
        _ => null,
    };
}
