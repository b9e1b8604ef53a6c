using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// What the API knows of one call. Written by the call's own orchestration only; read by the API
/// through <see cref="ToView"/>, which takes a consistent copy. Bounded whatever the peer does:
/// past <see cref="MaxEvents"/> events, <see cref="MaxUtterances"/> utterances and
/// <see cref="MaxCallerSpeech"/> speech transitions the record keeps the first ones and counts the
/// rest (<see cref="CallOmissions"/>), so the stored record, rewritten on every change, stays small.
/// </summary>
internal sealed class CallRecord
{
    /// <summary>A call's events kept in full (keys, application events); about 10 KB of JSON.</summary>
    public const int MaxEvents = 100;

    /// <summary>Utterances kept in full, with their timelines.</summary>
    public const int MaxUtterances = 100;

    /// <summary>Caller speech transitions kept in full.</summary>
    public const int MaxCallerSpeech = 200;

    private readonly List<UtteranceRecord> _utterances = [];
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
    private readonly List<CallerSpeechView> _callerSpeech = [];
    private readonly List<CallEventView> _events = [];
    private readonly Dictionary<string, int> _omittedEvents = new(StringComparer.Ordinal);
    private int _omittedUtterances;
    private int _omittedCallerSpeech;
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
        lock (_gate)
        {
            if (_callerSpeech.Count < MaxCallerSpeech)
            {
                _callerSpeech.Add(new CallerSpeechView(transition, at));
            }
            else
            {
                _omittedCallerSpeech++;
            }
        }

        NotifyChanged();
    }

    /// <summary>Keeps an event of the call (a key, an application event) in its record, or counts it by name past <see cref="MaxEvents"/>.</summary>
    public void AddEvent(string name, DateTimeOffset at, string? detail = null)
    {
        lock (_gate)
        {
            if (_events.Count < MaxEvents)
            {
                _events.Add(new CallEventView(name, at, detail));
            }
            else if (_omittedEvents.Count < MaxEvents || _omittedEvents.ContainsKey(name))
            {
                _omittedEvents[name] = _omittedEvents.GetValueOrDefault(name) + 1;
            }
            else
            {
                _omittedEvents["other"] = _omittedEvents.GetValueOrDefault("other") + 1;
            }
        }

        NotifyChanged();
    }

    public UtteranceRecord AddUtterance(Utterance utterance, DateTimeOffset at)
    {
        UtteranceRecord record;
        lock (_gate)
        {
            if (_utterances.Count >= MaxUtterances)
            {
                // The speaker still tracks it; the record only counts it.
                _omittedUtterances++;
                record = new UtteranceRecord(utterance, at, static () => { });
            }
            else
            {
                record = new UtteranceRecord(utterance, at, NotifyChanged);
                _utterances.Add(record);
            }
        }

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
                _mediaStatistics?.Invoke(),
                _omittedEvents.Count + _omittedUtterances + _omittedCallerSpeech == 0
                    ? null
                    : new CallOmissions(new Dictionary<string, int>(_omittedEvents, StringComparer.Ordinal), _omittedUtterances, _omittedCallerSpeech));
        }
    }
}
