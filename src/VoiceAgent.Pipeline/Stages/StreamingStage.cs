using Microsoft.Extensions.Logging;
using VoiceAgent.Pipeline.Batching;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Tts.Engines;

namespace VoiceAgent.Pipeline.Stages;

/// <summary>
/// Stages 2 and 3 as one shared worker for an <see cref="IStreamingTtsEngine"/>: every active utterance's row advances
/// by one piece (a codec window) per turn, round robin, so a new session's first audio waits for one window of each
/// other row, not for their whole chunks. A row whose reader lags pauses with its state kept; a cancelled row is
/// dropped (its state freed) at its next turn, and its token stops a model run already going. A failing row fails only
/// its own utterance.
/// </summary>
internal sealed class StreamingStage : IAsyncDisposable
{
    private readonly IStreamingTtsEngine _engine;
    private readonly ILogger _logger;
    private readonly RowQueue<GeneratorRow> _queue;
    private readonly Dictionary<Utterance, StreamLane> _lanes = [];
    private readonly List<StreamLane> _order = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private Task<bool>? _arrival;

    public StreamingStage(IStreamingTtsEngine engine, PipelineOptions options, ILogger logger)
    {
        _engine = engine;
        _logger = logger;
        // Bounded per priority, many writers, one reader (this loop); writers wait (see RowQueue).
        _queue = new RowQueue<GeneratorRow>(options.StageQueueCapacity);
        _loop = Task.Run(RunLoopAsync);
    }

    public ValueTask EnqueueAsync(GeneratorRow row, CancellationToken cancellationToken) => _queue.WriteAsync(row, cancellationToken);

    private async Task RunLoopAsync()
    {
        var blocked = new List<Task>();
        try
        {
            while (true)
            {
                while (_queue.TryRead(out var row))
                {
                    Admit(row);
                }

                blocked.Clear();
                var advanced = false;
                // Speech API rows take a turn only when no call's row can (work-conserving priority).
                var callsFirst = HasCallLaneWithRoom();
                for (var i = 0; i < _order.Count; i++)
                {
                    var lane = _order[i];
                    if (lane.Utterance.IsCancelled || (callsFirst && lane.Utterance.Priority != SpeechPriority.Call))
                    {
                        continue;
                    }

                    if (lane.Utterance.Priority != SpeechPriority.Call && _queue.HasCallRows)
                    {
                        break; // a call's row arrived during this turn: admit it now rather than after every API lane's piece
                    }

                    if (!lane.Utterance.HasRoom)
                    {
                        blocked.Add(lane.WaitForRoomAsync(_stopping.Token));
                        continue;
                    }

                    await AdvanceAsync(lane).ConfigureAwait(false);
                    advanced = true;
                }

                await RemoveFinishedLanesAsync().ConfigureAwait(false);
                if (advanced)
                {
                    continue;
                }

                // Nothing could run: wait for a new row, or for a paused row's reader to make room.
                // One pending wait for arrivals across turns, not a new waiter on the queue every turn.
                var arrival = _arrival is { IsCompleted: false } pending ? pending : _arrival = _queue.WaitToReadAsync(_stopping.Token);
                if (blocked.Count == 0)
                {
                    if (!await arrival.ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                blocked.Add(arrival);
                await Task.WhenAny(blocked).ConfigureAwait(false);
                _stopping.Token.ThrowIfCancellationRequested();
                if (arrival.IsCompletedSuccessfully && !arrival.Result)
                {
                    // The queue was completed: the pipeline is shutting down.
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Shutdown: every row still held frees its state; their utterances end with the pipeline.
            foreach (var lane in _order)
            {
                lane.Utterance.Fail(new OperationCanceledException("The speech pipeline stopped."));
            }

            await RemoveFinishedLanesAsync().ConfigureAwait(false);
            _lanes.Clear();
        }
    }

    private bool HasCallLaneWithRoom() => _order.Any(l => l.Utterance.Priority == SpeechPriority.Call && !l.Utterance.IsCancelled && l.Utterance.HasRoom);

    private void Admit(GeneratorRow row)
    {
        if (row.Utterance.IsCancelled)
        {
            return;
        }

        if (!_lanes.TryGetValue(row.Utterance, out var lane))
        {
            lane = new StreamLane(row.Utterance, _stopping.Token);
            _lanes.Add(row.Utterance, lane);
            _order.Add(lane);
        }

        lane.Add(row.Tokens);
    }

    private async ValueTask AdvanceAsync(StreamLane lane)
    {
        try
        {
            await lane.AdvanceAsync(_engine).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lane.CancellationToken.IsCancellationRequested)
        {
            // Barge-in, hang-up or shutdown stopped the run: the lane is removed below.
        }
        catch (Exception ex)
        {
            PipelineLog.StageRowFailed(_logger, ex, "streaming", lane.Utterance.SessionId);
            lane.Utterance.Fail(ex);
        }
    }

    private async ValueTask RemoveFinishedLanesAsync()
    {
        for (var i = _order.Count - 1; i >= 0; i--)
        {
            var lane = _order[i];
            if (lane.IsIdle || lane.Utterance.IsCancelled)
            {
                _order.RemoveAt(i);
                _lanes.Remove(lane.Utterance);
                try
                {
                    // Frees the row's state (the engine's finally blocks run here).
                    await lane.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    PipelineLog.StageRowFailed(_logger, ex, "streaming", lane.Utterance.SessionId);
                    lane.Utterance.Fail(ex);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
