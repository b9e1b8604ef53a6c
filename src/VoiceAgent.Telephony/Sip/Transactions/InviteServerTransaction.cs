using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// INVITE server transaction, RFC 3261 §17.2.1 as updated by RFC 6026 §7.1. Provisional
/// responses are resent on INVITE retransmissions; a 3xx-6xx is retransmitted by timer G (T1
/// doubling to T2; not over TCP) until ACK or timer H (64*T1); ACK moves to Confirmed for timer I (T4). A 2xx
/// moves to Accepted (timer L, 64*T1), where retransmitted INVITEs are absorbed: the dialog layer
/// retransmits the 2xx itself until its ACK (§13.3.1.4).
/// </summary>
internal sealed class InviteServerTransaction : IServerTransaction
{
    private readonly Func<SipMessage, ValueTask> _send;
    private readonly SipTimerOptions _timers;
    private readonly TimeProvider _time;
    private readonly Action<IServerTransaction> _onTerminated;
    private readonly Lock _gate = new();
    private SipResponse? _lastResponse;
    private ITimer? _retransmitTimer;
    private ITimer? _timeoutTimer;
    private readonly bool _reliable;
    private TimeSpan _retransmitInterval;

    public InviteServerTransaction(string key, SipRequest invite, Func<SipMessage, ValueTask> send, SipTimerOptions timers, TimeProvider time, Action<IServerTransaction> onTerminated, bool reliable = false)
    {
        Key = key;
        Request = invite;
        _send = send;
        _timers = timers;
        _time = time;
        _onTerminated = onTerminated;
        _reliable = reliable;
        _retransmitInterval = timers.T1;
    }

    public string Key { get; }

    public SipRequest Request { get; }

    public InviteServerTransactionState State { get; private set; } = InviteServerTransactionState.Proceeding;

    /// <summary>Status of the final response sent, or 0.</summary>
    public int FinalStatus { get; private set; }

    public ValueTask SendResponseAsync(SipResponse response)
    {
        lock (_gate)
        {
            if (State != InviteServerTransactionState.Proceeding)
            {
                return ValueTask.CompletedTask; // §17.2.1: only one final response per transaction.
            }

            _lastResponse = response;
            if (response.StatusCode >= 200)
            {
                FinalStatus = response.StatusCode;
            }

            if (response.IsSuccess)
            {
                State = InviteServerTransactionState.Accepted;
                _timeoutTimer = _time.CreateTimer(_ => Terminate(), null, _timers.TimeoutInterval, Timeout.InfiniteTimeSpan); // timer L
            }
            else if (response.StatusCode >= 300)
            {
                State = InviteServerTransactionState.Completed;
                if (!_reliable)
                {
                    _retransmitTimer = _time.CreateTimer(_ => OnTimerG(), null, _retransmitInterval, Timeout.InfiniteTimeSpan);
                }

                _timeoutTimer = _time.CreateTimer(_ => Terminate(), null, _timers.TimeoutInterval, Timeout.InfiniteTimeSpan); // timer H
            }
        }

        return _send(response);
    }

    public void OnRequestRetransmission()
    {
        SipResponse? resend;
        lock (_gate)
        {
            resend = State is InviteServerTransactionState.Proceeding or InviteServerTransactionState.Completed ? _lastResponse : null;
        }

        if (resend is not null)
        {
            _ = _send(resend);
        }
    }

    /// <summary>ACK for a non-2xx final response (§17.2.1). Returns true when this transaction absorbed it.</summary>
    public bool OnAck()
    {
        lock (_gate)
        {
            if (State != InviteServerTransactionState.Completed)
            {
                return State == InviteServerTransactionState.Confirmed;
            }

            State = InviteServerTransactionState.Confirmed;
            _retransmitTimer?.Dispose();
            _timeoutTimer?.Dispose();
            _timeoutTimer = _time.CreateTimer(_ => Terminate(), null, _timers.T4, Timeout.InfiniteTimeSpan); // timer I
            return true;
        }
    }

    private void OnTimerG()
    {
        SipResponse? resend = null;
        lock (_gate)
        {
            if (State == InviteServerTransactionState.Completed)
            {
                resend = _lastResponse;
                _retransmitInterval = _timers.NextRetransmitInterval(_retransmitInterval);
                _retransmitTimer?.Change(_retransmitInterval, Timeout.InfiniteTimeSpan);
            }
        }

        if (resend is not null)
        {
            _ = _send(resend);
        }
    }

    private void Terminate()
    {
        lock (_gate)
        {
            if (State == InviteServerTransactionState.Terminated)
            {
                return;
            }

            State = InviteServerTransactionState.Terminated;
            _retransmitTimer?.Dispose();
            _timeoutTimer?.Dispose();
        }

        _onTerminated(this);
    }
}
