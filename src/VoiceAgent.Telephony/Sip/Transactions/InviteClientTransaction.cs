using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transactions;

/// <summary>
/// INVITE client transaction (RFC 3261 §17.1.1, Figure 5): over UDP timer A retransmits the INVITE
/// (T1, doubling) until any response (over TCP nothing is retransmitted); timer B (64*T1) gives up
/// unless a provisional response came first,
/// and an INVITE the transport could not send at all ends at once as a 503 (§8.1.3.1). A final non-2xx is acknowledged
/// inside the transaction (§17.1.1.3) and re-acknowledged on retransmissions while timer D (32 s over UDP, 0 over TCP)
/// runs; a 2xx ends the transaction and its ACK belongs to the dialog (§13.2.2.4).
/// </summary>
internal sealed class InviteClientTransaction : IDisposable
{
    private static readonly TimeSpan TimerD = TimeSpan.FromSeconds(32);
    private readonly SipRequest _invite;
    private readonly Func<SipMessage, ValueTask<bool>> _send;
    private readonly bool _reliable;
    private readonly Action<SipResponse> _onProvisional;
    private readonly SipTimerOptions _timers;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<SipResponse?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timerA;
    private readonly ITimer _timerB;
    private readonly ITimer _timerD;
    private TimeSpan _interval;
    private SipRequest? _ack;

    public InviteClientTransaction(string branch, SipRequest invite, Func<SipMessage, ValueTask<bool>> send, Action<SipResponse> onProvisional, SipTimerOptions timers, TimeProvider time, Action<InviteClientTransaction> terminated, bool reliable = false)
    {
        Branch = branch;
        _invite = invite;
        _send = send;
        _onProvisional = onProvisional;
        _reliable = reliable;
        _timers = timers;
        _interval = timers.T1;
        _timerA = time.CreateTimer(_ => OnTimerA(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerB = time.CreateTimer(_ => _completion.TrySetResult(null), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerD = time.CreateTimer(_ => terminated(this), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _completion.Task.ContinueWith(t => { if (t.Result is null || t.Result.IsSuccess) { terminated(this); } }, TaskScheduler.Default);
    }

    public string Branch { get; }

    /// <summary>The final response, or null when timer B fired (no answer at all).</summary>
    public Task<SipResponse?> Completion => _completion.Task;

    /// <summary>True once any response arrived (a CANCEL may only follow a provisional, §9.1).</summary>
    public bool HasProvisional { get; private set; }

    public async ValueTask StartAsync()
    {
        if (!_reliable)
        {
            _timerA.Change(_interval, Timeout.InfiniteTimeSpan);
        }

        _timerB.Change(_timers.TimeoutInterval, Timeout.InfiniteTimeSpan);
        if (!await _send(_invite).ConfigureAwait(false))
        {
            _timerA.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _completion.TrySetResult(TransportFailure.ResponseTo(_invite));
            _timerD.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan); // nothing was sent: nothing to absorb
        }
    }

    public void OnResponse(SipResponse response)
    {
        _timerA.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (response.IsProvisional)
        {
            // §17.1.1.2: Proceeding has no timer B; a callee may ring for as long as the TU lets it
            // (the ring timeout CANCELs), so a 1xx must not leave the 64*T1 limit running.
            _timerB.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            HasProvisional = true;
            if (!_completion.Task.IsCompleted)
            {
                _onProvisional(response);
            }

            return;
        }

        _timerB.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (response.IsSuccess)
        {
            _completion.TrySetResult(response);
            return;
        }

        SipRequest ack;
        lock (_gate)
        {
            if (_ack is null)
            {
                _ack = CreateAck(response);
                _timerD.Change(_reliable ? TimeSpan.Zero : TimerD, Timeout.InfiniteTimeSpan);
            }

            ack = _ack;
        }

        // Every copy of the final response gets the same ACK (§17.1.1.2, state Completed).
        _ = _send(ack);
        _completion.TrySetResult(response);
    }

    /// <summary>§17.1.1.3: the ACK for a non-2xx has the INVITE's Request-URI, Call-ID, From, top Via and CSeq number, and the response's To.</summary>
    private SipRequest CreateAck(SipResponse response)
    {
        var headers = new SipHeaderCollection();
        headers.Add(SipHeaderNames.Via, _invite.TopVia!);
        headers.Add(SipHeaderNames.MaxForwards, "70");
        headers.Add(SipHeaderNames.From, _invite.From!);
        headers.Add(SipHeaderNames.To, response.To ?? _invite.To!);
        headers.Add(SipHeaderNames.CallId, _invite.CallId!);
        headers.Add(SipHeaderNames.CSeq, $"{SipCSeqNumber(_invite)} {SipMethods.Ack}");
        foreach (var route in _invite.Headers.GetAll(SipHeaderNames.Route))
        {
            headers.Add(SipHeaderNames.Route, route);
        }

        return new SipRequest(SipMethods.Ack, _invite.RequestUri, headers);
    }

    private static string SipCSeqNumber(SipRequest request)
        => SipCSeq.TryParse(request.Headers.Get(SipHeaderNames.CSeq), out var cseq) ? cseq.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) : "1";

    private void OnTimerA()
    {
        if (_completion.Task.IsCompleted || HasProvisional)
        {
            return;
        }

        lock (_gate)
        {
            // Timer A doubles without the T2 cap that non-INVITE requests have (§17.1.1.2).
            _interval *= 2;
            _timerA.Change(_interval, Timeout.InfiniteTimeSpan);
        }

        _ = _send(_invite);
    }

    public void Dispose()
    {
        _timerA.Dispose();
        _timerB.Dispose();
        _timerD.Dispose();
        _completion.TrySetResult(null);
    }
}
