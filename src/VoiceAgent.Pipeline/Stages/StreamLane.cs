using System.Diagnostics;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Stages;

/// <summary>
/// One utterance's place in the streaming stage: the row being streamed (its enumerator owns the engine's row state:
/// KV cache, seeded sampler) and the utterance's later chunks, which start only when it ends so chunk order holds.
/// Touched only by the streaming stage's loop.
/// </summary>
internal sealed class StreamLane : IAsyncDisposable
{
    private readonly Queue<TokenChunk> _waiting = new();
    private readonly CancellationTokenSource _cancellation;
    private IAsyncEnumerator<PcmChunk>? _current;
    private TokenChunk? _currentTokens;
    private Task? _roomWait;

    public StreamLane(Utterance utterance, CancellationToken stopping)
    {
        Utterance = utterance;
        // The row stops on barge-in or hang-up (the utterance's token) and when the pipeline shuts down.
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(utterance.CancellationToken, stopping);
    }

    public Utterance Utterance { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>True when nothing is streaming and nothing waits.</summary>
    public bool IsIdle => _current is null && _waiting.Count == 0;

    public void Add(TokenChunk tokens) => _waiting.Enqueue(tokens);

    /// <summary>Completes when the utterance's audio queue has room again (or ends); one pending wait per lane, however many turns it stays full.</summary>
    public Task WaitForRoomAsync(CancellationToken stopping)
        => _roomWait is { IsCompleted: false } pending ? pending : _roomWait = Utterance.WaitForRoomAsync(stopping).AsTask();

    /// <summary>
    /// Streams the next piece of the current row (starting the next waiting row when there is none) and delivers it.
    /// A row that ends returns its chunk's credit and frees its state.
    /// </summary>
    public async ValueTask AdvanceAsync(IStreamingTtsEngine engine)
    {
        if (_current is null)
        {
            if (!_waiting.TryDequeue(out var next))
            {
                return;
            }

            _currentTokens = next;
            _current = engine.StreamAsync(next, Utterance.Voice, _cancellation.Token).GetAsyncEnumerator(_cancellation.Token);
        }

        if (await _current.MoveNextAsync().ConfigureAwait(false))
        {
            // Stage 2's first units and stage 3's first PCM are one event here: the first window decoded.
            Utterance.Timeline.TryMark(TimelineMark.FirstUnitsGenerated, Stopwatch.GetTimestamp());
            Utterance.Deliver(_current.Current, endsChunk: false);
            return;
        }

        var ended = _currentTokens!;
        await EndRowAsync().ConfigureAwait(false);
        Utterance.EndChunk(ended.IsLast);
    }

    private async ValueTask EndRowAsync()
    {
        var current = _current;
        _current = null;
        _currentTokens = null;
        if (current is not null)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _waiting.Clear();
        try
        {
            await EndRowAsync().ConfigureAwait(false);
        }
        finally
        {
            _cancellation.Dispose();
        }
    }
}
