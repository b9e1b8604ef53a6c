using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// One text to speak within a session. Its PCM comes out of <see cref="ReadAudioAsync"/> in
/// order; the stages are held at most <see cref="PipelineOptions.ChunksAheadPerUtterance"/> chunks
/// ahead of the reader by credits, so the shared stages never wait on a slow call.
/// </summary>
public sealed class Utterance : IDisposable
{
    private readonly Channel<AudioPiece> _audio;
    private readonly SemaphoreSlim _credits;
    private readonly CancellationTokenSource _cancellation;
    private readonly int _capacity;

    /// <param name="piecesAhead">
    /// Capacity of the audio queue. One piece per chunk (chunksAhead + 1 is enough) unless the engine streams within a
    /// chunk; then more, and a full queue pauses that row's generation (<see cref="WaitForRoomAsync"/>).
    /// </param>
    internal Utterance(string id, string sessionId, string text, VoiceProfile voice, int chunksAhead, int piecesAhead, CancellationToken sessionToken)
    {
        Id = id;
        SessionId = sessionId;
        Text = text;
        Voice = voice;
        Timeline = new UtteranceTimeline(Stopwatch.GetTimestamp());
        _credits = new SemaphoreSlim(chunksAhead, chunksAhead);
        _capacity = Math.Max(chunksAhead + 1, piecesAhead);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
        // Bounded by the credits: at most chunksAhead chunks exist between stage 1 and the reader,
        // so the vocoder's TryWrite always finds room; a streaming row writes only when HasRoom.
        // One reader (the call), one writer (the vocoder or streaming loop).
        _audio = Channel.CreateBounded<AudioPiece>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    public string Id { get; }

    public string SessionId { get; }

    /// <summary>Whose speech this is: the shared stages serve calls before the speech API.</summary>
    public SpeechPriority Priority { get; internal init; }

    public string Text { get; }

    public VoiceProfile Voice { get; }

    public UtteranceTimeline Timeline { get; }

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Completes when the last chunk was delivered, the utterance was cancelled or it failed.</summary>
    public Task Completion => _audio.Reader.Completion;

    /// <summary>Stops this utterance in every stage (barge-in, hang-up). Queued rows are skipped.</summary>
    public void Cancel()
    {
        CancelSource();
        _audio.Writer.TryComplete(new OperationCanceledException());
    }

    /// <summary>The PCM of the utterance, in order. Ends normally after the last chunk; throws when cancelled or failed.</summary>
    public async IAsyncEnumerable<PcmChunk> ReadAudioAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _audio.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_audio.Reader.TryRead(out var piece))
            {
                if (piece.EndsChunk)
                {
                    ReleaseCredit();
                }

                if (piece.Pcm is { } chunk)
                {
                    yield return chunk;
                }
            }
        }
    }

    internal Task WaitForCreditAsync() => _credits.WaitAsync(_cancellation.Token);

    /// <summary>Room for one more piece in the audio queue (a streaming row advances only then).</summary>
    internal bool HasRoom => _audio.Reader.Count < _capacity;

    /// <summary>Completes when the audio queue has room again, or is completed (cancelled, failed, done).</summary>
    internal ValueTask<bool> WaitForRoomAsync(CancellationToken cancellationToken) => _audio.Writer.WaitToWriteAsync(cancellationToken);

    /// <summary>A whole chunk's PCM (the vocoder stage): the reader releases its credit with it.</summary>
    internal void Deliver(PcmChunk chunk) => Deliver(chunk, endsChunk: true);

    /// <summary>
    /// One piece of a chunk's PCM. A streaming row delivers several with <paramref name="endsChunk"/> false, then
    /// <see cref="EndChunk"/>. Only the utterance's very last piece has <see cref="PcmChunk.IsLast"/>; it completes the audio.
    /// </summary>
    internal void Deliver(PcmChunk chunk, bool endsChunk)
    {
        if (IsCancelled)
        {
            return;
        }

        Timeline.TryMark(TimelineMark.FirstPcm);
        if (_audio.Writer.TryWrite(new AudioPiece(chunk, endsChunk)) && chunk.IsLast)
        {
            _audio.Writer.TryComplete();
        }
    }

    /// <summary>A streamed chunk has delivered all its pieces: the reader releases its credit after reading them.</summary>
    internal void EndChunk(bool isLastChunk)
    {
        if (isLastChunk)
        {
            // The engine marks the last piece IsLast; this also ends an utterance whose last chunk had no piece.
            _audio.Writer.TryComplete();
            return;
        }

        _audio.Writer.TryWrite(new AudioPiece(null, EndsChunk: true));
    }

    /// <summary>The frontend produced nothing to say: complete at once.</summary>
    internal void CompleteEmpty() => _audio.Writer.TryComplete();

    internal void Fail(Exception exception)
    {
        CancelSource();
        _audio.Writer.TryComplete(exception);
    }

    /// <summary>
    /// Cancels the utterance's token. A shared stage may still hold a row of an utterance its reader
    /// already disposed (a hang-up racing a batch); that must stay harmless.
    /// </summary>
    private void CancelSource()
    {
        try
        {
            if (!_cancellation.IsCancellationRequested)
            {
                _cancellation.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ReleaseCredit()
    {
        try
        {
            _credits.Release();
        }
        catch (SemaphoreFullException)
        {
            // Stage 1 already submitted everything; extra releases carry no meaning.
        }
    }

    public void Dispose()
    {
        Cancel();
        _cancellation.Dispose();
        _credits.Dispose();
    }
}
