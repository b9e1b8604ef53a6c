using System.Diagnostics;
using VoiceAgent.Pipeline.Stages;
using VoiceAgent.Pipeline.Timeline;
using VoiceAgent.Tts;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// The speech of one call: its immutable voice, its cancellation, its utterances. Stage 1 runs
/// here, per session, on the thread pool; stages 2 and 3 are shared through the pipeline.
/// </summary>
public sealed class SpeechSession : IAsyncDisposable
{
    private readonly SpeechPipeline _pipeline;
    private readonly CancellationTokenSource _cancellation = new();
    private int _utteranceCount;

    internal SpeechSession(string id, VoiceProfile voice, SpeechPipeline pipeline, SpeechPriority priority)
    {
        Id = id;
        Priority = priority;
        Voice = voice;
        _pipeline = pipeline;
    }

    public string Id { get; }

    public VoiceProfile Voice { get; }

    public SpeechPriority Priority { get; }

    /// <summary>
    /// Accepts <paramref name="text"/> and starts it through the stages. Returns at once; read the
    /// audio from the utterance. A <paramref name="voice"/> overrides the session's for this utterance.
    /// </summary>
    public Utterance Speak(string text, VoiceProfile? voice = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_cancellation.IsCancellationRequested, this);
        var number = Interlocked.Increment(ref _utteranceCount);
        var utterance = new Utterance($"{Id}-u{number}", Id, text, voice ?? Voice, _pipeline.Options.ChunksAheadPerUtterance,
            _pipeline.StreamsWithinChunk ? _pipeline.Options.StreamedPiecesAhead : 0,
            _cancellation.Token)
        {
            Priority = Priority,
        };
        _ = Task.Run(() => RunFrontendAsync(utterance));
        return utterance;
    }

    private async Task RunFrontendAsync(Utterance utterance)
    {
        try
        {
            var chunks = _pipeline.Frontend.Prepare(utterance.Text);
            if (chunks.Count == 0)
            {
                utterance.CompleteEmpty();
                return;
            }

            PipelineLog.UtteranceAccepted(_pipeline.Logger, utterance.Id, Id, chunks.Count, CountWords(chunks[0].Text));
            foreach (var chunk in chunks)
            {
                await utterance.WaitForCreditAsync().ConfigureAwait(false);
                var tokens = _pipeline.Engine.Tokenize(chunk, utterance.Voice);
                utterance.Timeline.TryMark(TimelineMark.FirstChunkNormalized, Stopwatch.GetTimestamp());
                await _pipeline.EnqueueAsync(new GeneratorRow(utterance, tokens), utterance.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (utterance.IsCancelled)
        {
        }
        catch (ObjectDisposedException) when (utterance.IsCancelled)
        {
            // The reader disposed the utterance (the call ended) while its chunks were still being prepared.
        }
        catch (Exception ex)
        {
            PipelineLog.FrontendFailed(_pipeline.Logger, ex, utterance.Id, Id);
            utterance.Fail(ex);
        }
    }

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Cancels every utterance of the session (hang-up).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_cancellation.IsCancellationRequested)
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
        }

        _cancellation.Dispose();
    }
}
