using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Tts.Tests.Engines.Onnx;

/// <summary>
/// ARCHITECTURE.md "Speech sessions and isolation": many sessions with different voices, run at once through one
/// engine, each hear exactly what they hear alone, and never another session's voice.
/// </summary>
public sealed class NeuralIsolationTests
{
    private const int Rounds = 3;

    public static TheoryData<string> Families => new() { "piper", "kokoro" };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Sixteen_concurrent_sessions_each_produce_what_they_produce_alone(string family)
    {
        await using var engine = await OnnxFixtures.LoadAsync(OnnxFixtures.Pack(family));
        var catalog = (IVoiceCatalog)engine;
        var sessions = Sessions(family);
        Assert.Equal(16, sessions.Length);

        // Half the sessions resolve their voice once (the per-session path), half resolve it per request.
        var profiles = sessions.Select((s, i) => i % 2 == 0 ? catalog.Resolve(s.Voice) : s.Voice).ToArray();
        var alone = new short[sessions.Length][];
        for (var i = 0; i < sessions.Length; i++)
        {
            alone[i] = (await OnnxFixtures.SynthesizeAsync(engine, sessions[i].Text, profiles[i])).Samples.ToArray();
        }

        using var start = new SemaphoreSlim(0);
        var tasks = sessions.Select((session, i) => Task.Run(async () =>
        {
            await start.WaitAsync();
            var results = new List<short[]>();
            for (var round = 0; round < Rounds; round++)
            {
                results.Add((await OnnxFixtures.SynthesizeAsync(engine, session.Text, profiles[i])).Samples.ToArray());
            }

            return results;
        })).ToArray();
        start.Release(sessions.Length);
        var together = await Task.WhenAll(tasks).WaitAsync(OnnxFixtures.Timeout);

        for (var i = 0; i < sessions.Length; i++)
        {
            for (var round = 0; round < Rounds; round++)
            {
                // The engines are deterministic and share nothing per call: exact, well inside the 1e-3 float tolerance.
                Assert.True(OnnxFixtures.MaxAbsDifference(alone[i], together[i][round]) == 0, $"session {i} ({sessions[i].Voice.Voice}) round {round} differs from alone");
            }

            for (var j = 0; j < i; j++)
            {
                Assert.False(alone[i].AsSpan().SequenceEqual(alone[j]), $"sessions {j} and {i} ({sessions[j].Voice.Voice}, {sessions[i].Voice.Voice}) sound the same");
            }
        }
    }

    private static (string Text, VoiceProfile Voice)[] Sessions(string family)
    {
        // Same text for most sessions, so only the voice (speaker, style, blend, speed) tells them apart.
        const string text = "Your appointment is confirmed.";
        if (family == "piper")
        {
            string[] voices =
            [
                "en_US-fixture-low", "en_US-fixturemulti-medium:alice", "en_US-fixturemulti-medium:bob",
                "en_US-fixturemulti-medium:carol", "en_US-fixturemulti-medium:dave",
            ];
            return Enumerable.Range(0, 16)
                .Select(i => (i < 15 ? text : "Please hold.", new VoiceProfile("piper", voices[i % voices.Length], 1.0f + (i / voices.Length * 0.2f))))
                .ToArray();
        }

        string[] styles =
        [
            "af_alpha", "am_beta", "bf_gamma", "af_alpha:0.7,am_beta:0.3", "am_beta:0.5,bf_gamma:0.5",
            "af_alpha:0.2,am_beta:0.3,bf_gamma:0.5", "bf_gamma:0.9,af_alpha:0.1", "am_beta:0.8,af_alpha:0.2",
        ];
        return Enumerable.Range(0, 16)
            .Select(i => (text, new VoiceProfile("kokoro", styles[i % styles.Length], i < 8 ? 1.0f : 1.25f)))
            .ToArray();
    }
}
