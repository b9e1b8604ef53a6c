using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8): Trying -> Proceeding on a 1xx ->
/// Completed on a final response, which is resent for every retransmitted request until timer J
/// (64*T1 over UDP, 0 over TCP, where nothing is retransmitted) ends the transaction. It keeps only
/// what answering a retransmission needs: its key (from the table) and the last response, never the request.
/// </summary>
internal sealed class NonInviteServerTransaction(
    string key, Func<SipMessage, ValueTask> send, SipTimerOptions timers, TimeProvider time, Action<IServerTransaction> onTerminated, bool reliable = false)
    : IServerTransaction
{
    private readonly Lock _gate = new();
    private SipResponse? _lastResponse;
    private ITimer? _timerJ;

    public string Key { get; } = key;

    public NonInviteServerTransactionState State { get; private set; } = NonInviteServerTransactionState.Trying;

    public ValueTask SendResponseAsync(SipResponse response)
    {
        var terminateNow = false;
        lock (_gate)
        {
            if (State is NonInviteServerTransactionState.Completed or NonInviteServerTransactionState.Terminated)
            {
                return ValueTask.CompletedTask;
            }

            _lastResponse = response;
            if (response.IsProvisional)
            {
                State = NonInviteServerTransactionState.Proceeding;
            }
            else if (reliable)
            {
                // §17.2.2: timer J is 0 for reliable transports: Completed -> Terminated at once.
                State = NonInviteServerTransactionState.Terminated;
                _lastResponse = null;
                terminateNow = true;
            }
            else
            {
                State = NonInviteServerTransactionState.Completed;
                _timerJ = time.CreateTimer(_ => Terminate(), null, timers.TimeoutInterval, Timeout.InfiniteTimeSpan);
            }
        }

        if (terminateNow)
        {
            onTerminated(this);
        }

        return send(response);
    }

    public void OnRequestRetransmission()
    {
        SipResponse? resend;
        lock (_gate)
        {
            // §17.2.2: retransmissions in Trying are discarded; later ones get the last response again.
            resend = State is NonInviteServerTransactionState.Proceeding or NonInviteServerTransactionState.Completed ? _lastResponse : null;
        }

        if (resend is not null)
        {
            _ = send(resend);
        }
    }

    private void Terminate()
    {
        lock (_gate)
        {
            State = NonInviteServerTransactionState.Terminated;
            _lastResponse = null;
            _timerJ?.Dispose();
        }

        onTerminated(this);
    }
}
