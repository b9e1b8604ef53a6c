using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>
/// A streaming engine whose rows yield one 20 ms piece per <see cref="PieceDelay"/>, recording when each piece of
/// which voice was made: tests count pieces instead of timing them.
/// </summary>
internal sealed class CountingStreamingEngine : IStreamingTtsEngine
{
    public const int PiecesPerChunk = 10;

    public string Name => "counting";

    public int SampleRate => 8000;

    public TimeSpan PieceDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    public ConcurrentQueue<(long Timestamp, string Voice)> Pieces { get; } = new();

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice) => new(chunk.Index, chunk.Text, null, new long[] { 1 }, chunk.IsLast);

    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
        => throw new NotSupportedException("streaming only");

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
        => throw new NotSupportedException("streaming only");

    public async IAsyncEnumerable<PcmChunk> StreamAsync(TokenChunk tokens, VoiceProfile voice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < PiecesPerChunk; i++)
        {
            await Task.Delay(PieceDelay, cancellationToken).ConfigureAwait(false);
            Pieces.Enqueue((Stopwatch.GetTimestamp(), voice.Voice));
            yield return new PcmChunk(tokens.Index, new short[160], SampleRate, tokens.IsLast && i == PiecesPerChunk - 1);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
