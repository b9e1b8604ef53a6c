using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>
/// Piper and Kokoro through the real three stages, with batching across sessions: 16 sessions with
/// different voices speak at once; each hears exactly what it hears alone, and cancelling one
/// mid-utterance leaves the others bit for bit unchanged.
/// </summary>
public sealed class NeuralPipelineIsolationTests
{
    private const string Text = "Your appointment is confirmed for Tuesday. Please arrive ten minutes early. Bring your card with you.";

    public static TheoryData<string, string[]> Packs => new()
    {
        { "piper", ["en_US-fixture-low", "en_US-fixturemulti-medium:alice", "en_US-fixturemulti-medium:bob", "en_US-fixturemulti-medium:carol"] },
        { "kokoro", ["af_alpha", "am_beta", "bf_gamma", "af_alpha:0.5,am_beta:0.5"] },
    };

    [Theory]
    [MemberData(nameof(Packs))]
    public async Task Sixteen_sessions_hear_what_they_hear_alone_and_a_cancelled_one_disturbs_no_other(string family, string[] voices)
    {
        await using var engine = OnnxEngineFactory.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "models", family), new OnnxEngineOptions(), NullLogger.Instance);
        await engine.InitializeAsync(CancellationToken.None);
        var catalog = (IVoiceCatalog)engine;
        await using var pipeline = new SpeechPipeline(engine, new NormalizingTextFrontend("en-us"), new PipelineOptions { MaxBatchWait = TimeSpan.FromMilliseconds(5) }, NullLogger<SpeechPipeline>.Instance);
        var profiles = Enumerable.Range(0, 16).Select(i => catalog.Resolve(new VoiceProfile(family, voices[i % voices.Length], 1.0f + (i / voices.Length * 0.1f)))).ToArray();

        var alone = new List<short[]>();
        for (var i = 0; i < profiles.Length; i++)
        {
            await using var session = pipeline.CreateSession($"alone-{i}", profiles[i]);
            alone.Add(await ReadAllAsync(session.Speak(Text), cancelAfterFirst: false));
        }

        const int Cancelled = 5;
        var sessions = profiles.Select((p, i) => pipeline.CreateSession($"together-{i}", p)).ToArray();
        var together = await Task.WhenAll(sessions.Select((s, i) => ReadAllAsync(s.Speak(Text), cancelAfterFirst: i == Cancelled)));

        for (var i = 0; i < profiles.Length; i++)
        {
            if (i == Cancelled)
            {
                Assert.True(together[i].Length < alone[i].Length, "the cancelled session stopped early");
                continue;
            }

            Assert.True(alone[i].AsSpan().SequenceEqual(together[i]), $"session {i} ({profiles[i].Voice}) differs from its solo run");
        }

        Assert.False(alone[0].AsSpan().SequenceEqual(alone[1]), "two voices sound the same");
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }

    private static async Task<short[]> ReadAllAsync(Utterance utterance, bool cancelAfterFirst)
    {
        var samples = new List<short>();
        try
        {
            await foreach (var chunk in utterance.ReadAudioAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
            {
                samples.AddRange(chunk.Samples.ToArray());
                if (cancelAfterFirst)
                {
                    utterance.Cancel();
                }
            }
        }
        catch (OperationCanceledException) when (cancelAfterFirst)
        {
        }

        return [.. samples];
    }
}
