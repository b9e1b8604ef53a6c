using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;
using VoiceAgent.Tts;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The one owner of a call's media and speech, inbound or outbound: the RTP stream, the answers to
/// re-INVITEs, the caller's signals, the speech session and its speaker, the media clock's
/// registration and the inactivity watchdog. Disposing it takes them down in order (clock, speech,
/// stream) and returns the RTP port. Built by <see cref="CallMediaFactory"/>.
/// </summary>
internal sealed class CallMedia : IAsyncDisposable
{
    private readonly CallRecord _record;
    private readonly CallMediaServices _services;
    private SpeechSession? _session;
    private bool _clocked;

    public CallMedia(RtpStream stream, NegotiatedMedia media, long sessionId, CallRecord record, CallMediaServices services)
    {
        Stream = stream;
        Media = media;
        SessionId = sessionId;
        _record = record;
        _services = services;
    }

    public RtpStream Stream { get; }

    /// <summary>What the offer/answer settled on (the codec stays for the whole call).</summary>
    public NegotiatedMedia Media { get; }

    /// <summary>Our o= line's session id; re-INVITE answers keep it and raise the version.</summary>
    public long SessionId { get; }

    /// <summary>Our SDP answer to the peer's <paramref name="offer"/> (inbound).</summary>
    public string Answer(SessionDescription offer)
        => SdpAnswerBuilder.Build(offer, Media, _services.Settings.Sip.PublicAddress, Stream.LocalPort, SessionId);

    /// <summary>Starts receiving the peer's RTP (on the host's receiver). Sending waits for <see cref="ConfirmPeer"/>.</summary>
    public void StartReceiving() => Stream.Start(_services.Receiver);

    /// <summary>
    /// The peer is confirmed (inbound: its ACK; outbound: the callee's 2xx): only now does our RTP
    /// go to the address its SDP names (media amplification).
    /// </summary>
    public void ConfirmPeer() => Stream.ConfirmPeer();

    /// <summary>Follows the final answer's address when it differs from the early media's (the 2xx should repeat the 183's answer).</summary>
    public void FollowRemote(NegotiatedMedia final)
    {
        if (!final.RemoteRtp.Equals(Media.RemoteRtp))
        {
            Stream.UpdateRemote(final.RemoteRtp);
        }
    }

    /// <summary>
    /// Binds the media to the SIP call: the caller's digits and speech become signals, re-INVITEs
    /// are answered, and a speech session with <paramref name="voice"/> speaks into the stream.
    /// </summary>
    public CallContext Attach(ISipCall call, VoiceProfile voice)
    {
        var s = _services;
        var signals = CallSignalPump.Start(Stream, call.InfoDigits, _record, s.Time, s.Logger, call.Ended);
        call.SessionUpdateHandler = new CallMediaSession(s.Negotiator, Stream, _record, s.Settings.Sip.PublicAddress, Media, SessionId, s.Time).AnswerOffer;
        _session = s.Pipeline.CreateSession(_record.Id, voice);
        return new CallContext(call, _record, Stream, new CallSpeaker(_session, Stream, _record, s.Logger), signals.Signals);
    }

    /// <summary>
    /// The call is answered: the media clock starts pacing the stream, the watchdog hangs up a peer
    /// that stops sending (Rtp:InactivityTimeout), and the record says so.
    /// </summary>
    public void MarkAnswered(ISipCall call)
    {
        var s = _services;
        s.Clock.Register(Stream);
        _clocked = true;
        _ = MediaInactivityWatchdog.RunAsync(Stream, s.Settings.Rtp.InactivityTimeout, async () =>
        {
            HostLog.MediaTimeout(s.Logger, s.Settings.Rtp.InactivityTimeout.TotalSeconds);
            _record.OverrideEndReason(CallOutcomes.Name(CallOutcome.RtpTimeout));
            await call.HangupAsync(CancellationToken.None);
        }, s.Time, call.Ended);
        _record.MarkAnswered(Media.Codec, s.Time.GetUtcNow());
        HostLog.CallAnswered(s.Logger, Media.Codec, Stream.LocalPort, Media.RemoteRtp.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_clocked)
        {
            _services.Clock.Unregister(Stream);
        }

        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        await Stream.DisposeAsync(); // returns the port
    }
}
