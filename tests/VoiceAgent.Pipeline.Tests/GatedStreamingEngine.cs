using System.Runtime.CompilerServices;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Tests;

/// <summary>
/// Wraps a streaming engine and holds chunk 0's row after its first piece until the test releases it: the first PCM
/// can only reach the reader if the pipeline delivers pieces while the row is still generating.
/// </summary>
internal sealed class GatedStreamingEngine(IStreamingTtsEngine inner) : IStreamingTtsEngine
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _piecesOfChunk0;
    private int _chunk0Finished;
    private int _pieces;

    public string Name => inner.Name;

    public int SampleRate => inner.SampleRate;

    /// <summary>Pieces chunk 0's row has yielded so far.</summary>
    public int PiecesOfChunk0 => Volatile.Read(ref _piecesOfChunk0);

    /// <summary>Chunk 0's row ran to its end (generation and flush).</summary>
    public bool Chunk0Finished => Volatile.Read(ref _chunk0Finished) == 1;

    /// <summary>Pieces every row has yielded so far.</summary>
    public int Pieces => Volatile.Read(ref _pieces);

    public void Release() => _release.TrySetResult();

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice) => inner.Tokenize(chunk, voice);

    public ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
        => inner.GenerateAsync(batch, cancellationToken);

    public ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken)
        => inner.VocodeAsync(batch, cancellationToken);

    public async IAsyncEnumerable<PcmChunk> StreamAsync(TokenChunk tokens, VoiceProfile voice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fails = tokens.Text.Contains("FAIL", StringComparison.Ordinal);
        await foreach (var piece in inner.StreamAsync(tokens, voice, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _pieces);
            yield return piece;
            if (fails)
            {
                // Mid-row, after the first window: the row's state must still be freed and only its utterance fail.
                throw new InvalidOperationException("A row that fails after its first window.");
            }
            if (tokens.Index == 0 && Interlocked.Increment(ref _piecesOfChunk0) == 1)
            {
                await _release.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (tokens.Index == 0)
        {
            Volatile.Write(ref _chunk0Finished, 1);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
