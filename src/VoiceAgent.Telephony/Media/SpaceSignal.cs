using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// The playout writer's reusable wake-up (one waiter at a time): the media clock sets it after each
/// frame it sends. Reusing one <see cref="ManualResetValueTaskSourceCore{TResult}"/> keeps the
/// steady state free of a Task allocation per 20 ms frame.
/// </summary>
internal sealed class SpaceSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _armed;

    /// <summary>Arms the signal; the caller re-checks its condition before awaiting the result.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        _core.Reset();
        Volatile.Write(ref _armed, 1);
        if (cancellationToken.CanBeCanceled)
        {
            // Cancellation (barge-in, hang-up) completes the wait with an OperationCanceledException.
            var registration = cancellationToken.UnsafeRegister(static (state, token) => ((SpaceSignal)state!).Fail(token), this);
            return AwaitAndUnregister(new ValueTask(this, _core.Version), registration);
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Wakes the writer if it is waiting.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetResult(true);
        }
    }

    private void Fail(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetException(new OperationCanceledException(token));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitAndUnregister(ValueTask wait, CancellationTokenRegistration registration)
    {
        using (registration)
        {
            await wait.ConfigureAwait(false);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
