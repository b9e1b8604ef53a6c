using System.Collections.Concurrent;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// What the API knows of one call. Written by the call's own orchestration only; read by the API
/// through <see cref="ToView"/>, which takes a consistent copy.
/// </summary>
internal sealed class CallRecord
{
    private readonly ConcurrentQueue<UtteranceRecord> _utterances = new();
    private readonly Lock _gate = new();
    private CallState _state = CallState.Ringing;
    private string? _codec;
    private DateTimeOffset? _answeredAt;
    private DateTimeOffset? _endedAt;
    private string? _endReason;
    private string? _outcome;
    private string? _endReasonOverride;
    private int? _sipCode;
    private Func<RtpStreamStatistics>? _mediaStatistics;
    private readonly ConcurrentQueue<CallerSpeechView> _callerSpeech = new();
    private readonly ConcurrentQueue<CallEventView> _events = new();
    private Action<CallRecord>? _changed;

    public CallRecord(string id, string sipCallId, string from, string to, string direction, DateTimeOffset startedAt)
    {
        Id = id;
        SipCallId = sipCallId;
        From = from;
        To = to;
        Direction = direction;
        StartedAt = startedAt;
    }

    public string Id { get; }

    public string SipCallId { get; }

    public string From { get; }

    public string To { get; }

    public string Direction { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Called after every change (the durable store writes the record again).</summary>
    public void ObserveChanges(Action<CallRecord> changed) => _changed = changed;

    private void NotifyChanged() => Volatile.Read(ref _changed)?.Invoke(this);

    public CallState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public void MarkAnswered(string codec, DateTimeOffset at)
    {
        lock (_gate)
        {
            _codec = codec;
            _answeredAt = at;
            _state = CallState.Answered;
            _outcome ??= "answered";
            _sipCode ??= 200;
        }

        NotifyChanged();
    }

    /// <summary>A more precise end reason than the SIP layer knows (e.g. rtp-timeout for our BYE after media stopped).</summary>
    public void OverrideEndReason(string reason)
    {
        lock (_gate)
        {
            _endReasonOverride = reason;
        }
    }

    public void MarkEnded(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_state == CallState.Ended)
            {
                return;
            }

            _endReason = _endReasonOverride ?? reason;
            _endedAt = at;
            _state = CallState.Ended;
        }

        NotifyChanged();
    }

    /// <summary>How the call went (answered, busy, no-answer, rejected, failed, cancelled) and the final SIP status.</summary>
    public void SetOutcome(string outcome, int? sipCode)
    {
        lock (_gate)
        {
            _outcome = outcome;
            _sipCode = sipCode;
        }

        NotifyChanged();
    }

    /// <summary>Lets the API read the call's RTP counters (loss, jitter) while and after it runs.</summary>
    public void AttachMedia(Func<RtpStreamStatistics> statistics) => _mediaStatistics = statistics;

    public void AddCallerSpeech(string transition, DateTimeOffset at)
    {
        _callerSpeech.Enqueue(new CallerSpeechView(transition, at));
        NotifyChanged();
    }

    /// <summary>Keeps an event of the call (a key, an application event) in its record.</summary>
    public void AddEvent(string name, DateTimeOffset at, string? detail = null)
    {
        _events.Enqueue(new CallEventView(name, at, detail));
        NotifyChanged();
    }

    public UtteranceRecord AddUtterance(Utterance utterance, DateTimeOffset at)
    {
        var record = new UtteranceRecord(utterance, at, NotifyChanged);
        _utterances.Enqueue(record);
        NotifyChanged();
        return record;
    }

    public CallView ToView()
    {
        lock (_gate)
        {
            return new CallView(
                Id, SipCallId, From, To, Direction, _state.ToString().ToLowerInvariant(), _codec,
                StartedAt, _answeredAt, _endedAt, _endReason, _outcome, _sipCode,
                [.. _utterances.Select(u => u.ToView())],
                [.. _callerSpeech],
                [.. _events],
                _mediaStatistics?.Invoke());
        }
    }
}
