using VoiceAgent.Tts.Engines;
using VoiceAgent.Tts.Engines.Arcodec;
using VoiceAgent.Tts.Tests.Engines.Onnx;

namespace VoiceAgent.Tts.Tests.Engines.Arcodec;

/// <summary>The committed arcodec pack (tools/model-fixtures/arcodec_fixture.py) and helpers to drive it.</summary>
internal static class ArcodecFixture
{
    public static string Pack => OnnxFixtures.Pack("arcodec");

    public static async Task<ArcodecEngine> LoadAsync(string? pack = null) => (ArcodecEngine)await OnnxFixtures.LoadAsync(pack ?? Pack);

    public static VoiceProfile Voice(string id, long? seed = null) => new(ArcodecEngine.EngineName, id) { Seed = seed };

    /// <summary>Every PCM piece of one chunk, streamed.</summary>
    public static async Task<List<short[]>> StreamAsync(ArcodecEngine engine, string text, VoiceProfile voice, CancellationToken cancellationToken = default)
    {
        var tokens = engine.Tokenize(new TextChunk(0, text, IsLast: true), voice);
        var pieces = new List<short[]>();
        await foreach (var pcm in engine.StreamAsync(tokens, voice, cancellationToken))
        {
            pieces.Add(pcm.Samples.ToArray());
        }

        return pieces;
    }

    public static short[] Concat(IEnumerable<short[]> pieces) => pieces.SelectMany(p => p).ToArray();
}
