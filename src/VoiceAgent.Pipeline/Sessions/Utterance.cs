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
    private readonly Channel<PcmChunk> _audio;
    private readonly SemaphoreSlim _credits;
    private readonly CancellationTokenSource _cancellation;

    internal Utterance(string id, string sessionId, string text, VoiceProfile voice, int chunksAhead, CancellationToken sessionToken)
    {
        Id = id;
        SessionId = sessionId;
        Text = text;
        Voice = voice;
        Timeline = new UtteranceTimeline(Stopwatch.GetTimestamp());
        _credits = new SemaphoreSlim(chunksAhead, chunksAhead);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
        // Bounded by the credits: at most chunksAhead chunks exist between stage 1 and the reader,
        // so the vocoder's TryWrite always finds room. One reader (the call), one writer (the vocoder loop).
        _audio = Channel.CreateBounded<PcmChunk>(new BoundedChannelOptions(chunksAhead + 1)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    public string Id { get; }

    public string SessionId { get; }

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
            while (_audio.Reader.TryRead(out var chunk))
            {
                ReleaseCredit();
                yield return chunk;
            }
        }
    }

    internal Task WaitForCreditAsync() => _credits.WaitAsync(_cancellation.Token);

    internal void Deliver(PcmChunk chunk)
    {
        if (IsCancelled)
        {
            return;
        }

        Timeline.TryMark(TimelineMark.FirstPcm);
        if (_audio.Writer.TryWrite(chunk) && chunk.IsLast)
        {
            _audio.Writer.TryComplete();
        }
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
