using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// Non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6) for requests we send in a dialog
/// (BYE): over UDP timer E retransmits at T1 doubling to T2 (T2 once a provisional arrived), over TCP
/// nothing is retransmitted; timer F (64*T1) gives up, and a request the transport could not send
/// at all ends at once as a 503 (§8.1.3.1). <see cref="Completion"/> yields the final response or null on timeout.
/// </summary>
internal sealed class NonInviteClientTransaction : IDisposable
{
    private readonly SipRequest _request;
    private readonly Func<SipMessage, ValueTask<bool>> _send;
    private readonly bool _reliable;
    private readonly SipTimerOptions _timers;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<SipResponse?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timerE;
    private readonly ITimer _timerF;
    private TimeSpan _interval;
    private bool _proceeding;

    public NonInviteClientTransaction(string branch, SipRequest request, Func<SipMessage, ValueTask<bool>> send, SipTimerOptions timers, TimeProvider time, bool reliable = false)
    {
        Branch = branch;
        _request = request;
        _send = send;
        _reliable = reliable;
        _timers = timers;
        _interval = timers.T1;
        _timerE = time.CreateTimer(_ => OnTimerE(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerF = time.CreateTimer(_ => _completion.TrySetResult(null), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Branch { get; }

    public Task<SipResponse?> Completion => _completion.Task;

    public async ValueTask StartAsync()
    {
        if (!_reliable)
        {
            _timerE.Change(_interval, Timeout.InfiniteTimeSpan);
        }

        _timerF.Change(_timers.TimeoutInterval, Timeout.InfiniteTimeSpan);
        if (!await _send(_request).ConfigureAwait(false))
        {
            _completion.TrySetResult(TransportFailure.ResponseTo(_request));
        }
    }

    public void OnResponse(SipResponse response)
    {
        if (response.IsProvisional)
        {
            lock (_gate)
            {
                _proceeding = true;
            }

            return;
        }

        _timerE.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerF.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _completion.TrySetResult(response);
    }

    private void OnTimerE()
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        lock (_gate)
        {
            _interval = _proceeding ? _timers.T2 : _timers.NextRetransmitInterval(_interval);
            _timerE.Change(_interval, Timeout.InfiniteTimeSpan);
        }

        _ = _send(_request);
    }

    public void Dispose()
    {
        _timerE.Dispose();
        _timerF.Dispose();
        _completion.TrySetResult(null);
    }
}
