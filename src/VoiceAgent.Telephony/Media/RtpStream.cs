using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media.Vad;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// One call's RTP session (RFC 3550): sends a 20 ms packet on every media-clock tick (speech from
/// the playout buffer, else silence so the stream never stops), receives the caller's packets,
/// latches to their source address (symmetric RTP, RFC 4961) and decodes RFC 4733 DTMF.
/// Packets are accepted only from the source strict learning admits (<see cref="RtpSourceFilter"/>);
/// nothing is sent before the peer is confirmed (<see cref="ConfirmPeer"/>, or its media arrived),
/// so an INVITE never acknowledged cannot aim the stream at a third party.
/// Pre-allocated buffers: nothing is allocated per packet.
/// </summary>
public sealed partial class RtpStream : IMediaClockClient, IRtpDatagramSink, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IAudioEncoder _encoder;
    private readonly int? _telephoneEventPayloadType;
    private readonly Action<int>? _onClosed;
    private readonly byte[] _packet;
    private readonly short[] _frame;
    private readonly byte _payloadType;
    private readonly uint _ssrc;
    private readonly int _timestampStep;
    private readonly DtmfEventDecoder _dtmf;
    private readonly Channel<DtmfDigit> _digits;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IAudioDecoder? _decoder;
    private readonly short[] _decoded;
    private readonly IVoiceActivityDetector _vad = new EnergyVoiceActivityDetector();
    private readonly RtpReceptionStatistics _reception;
    private readonly RtpJitterBuffer _jitter = new();
    private readonly byte[] _payloadScratch = new byte[1500];
    private readonly Channel<VoiceActivityEvent> _voiceActivity;
    private readonly CallerAudioFanOut _callerAudio = new();
    private SocketAddress _remote;
    private IPEndPoint _remoteEndPoint;
    private Task? _receiveLoop;
    private RtpReceiverRegistration? _registration;
    private readonly RtpSourceFilter _sources;
    private IPEndPoint _signalledEndPoint;
    private volatile bool _peerConfirmed;
    private int _receiveFailureLogged;
    private ushort _sequence;
    private uint _timestamp;
    private bool _inTalkspurt;
    private long _nextSend;
    private long _lastSend;
    private readonly long _frameTicks = Stopwatch.Frequency / 50;
    private long _packetsSent;
    private long _bytesSent;
    private long _packetsReceived;
    private long _lastReceived;
    private long _malformedReceived;
    private long _digitsDropped;
    private RtcpSession? _rtcp;
    private uint? _remoteSsrc;
    private readonly DtmfEventSender _dtmfOut;
    private bool _sending = true;

    /// <param name="strictSource">Strict source learning (Rtp:StrictSource); false latches to the first packet and accepts every source.</param>
    public RtpStream(Socket socket, RtpStreamFormat format, IPEndPoint remote, Action<int>? onClosed = null, bool strictSource = true)
    {
        var encoder = format.Encoder;
        _socket = socket;
        _encoder = encoder;
        _payloadType = (byte)format.PayloadType;
        _telephoneEventPayloadType = format.TelephoneEventPayloadType;
        _onClosed = onClosed;
        _remoteEndPoint = remote;
        _remote = remote.Serialize();
        _signalledEndPoint = remote;
        _sources = new RtpSourceFilter(remote, strictSource);
        var samplesPerFrame = encoder.SampleRate / 50;
        _frame = new short[samplesPerFrame];
        _packet = new byte[RtpHeader.Size + encoder.MaxPayloadBytes];
        _timestampStep = encoder.ClockRate / 50;
        // RFC 3550 §5.1: SSRC, initial sequence number and timestamp are random.
        _ssrc = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        _sequence = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        _timestamp = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        _dtmf = new DtmfEventDecoder(format.TelephoneEventClockRate);
        _dtmfOut = new DtmfEventSender(format.TelephoneEventClockRate);
        _decoder = format.Decoder;
        // Up to 120 ms per packet (RFC 7587 allows Opus frames up to 120 ms).
        _decoded = new short[encoder.SampleRate * 120 / 1000];
        _reception = new RtpReceptionStatistics(encoder.ClockRate);
        // Transitions are rare; if nobody reads them the oldest go (counted).
        _voiceActivity = Channel.CreateBounded<VoiceActivityEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => RtpStreamDrops.VoiceActivity.Add(1));
        Playout = new PlayoutBuffer(encoder.SampleRate);
        // Digits are few; a full queue means nobody reads them, so the oldest go (counted).
        _digits = Channel.CreateBounded<DtmfDigit>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ =>
            {
                Interlocked.Increment(ref _digitsDropped);
                RtpStreamDrops.Digits.Add(1);
            });
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int LocalPort { get; }

    public IAudioEncoder Encoder => _encoder;

    public PlayoutBuffer Playout { get; }

    /// <summary>Where packets go now: the SDP address until the stream latches to the source strict learning admitted.</summary>
    public IPEndPoint RemoteEndPoint => Volatile.Read(ref _remoteEndPoint);

    public uint Ssrc => _ssrc;

    /// <summary>
    /// Whether packets may be sent: the signalling confirmed the peer (<see cref="ConfirmPeer"/>) or
    /// its media arrived from an admitted source. Until then the clock's ticks do nothing at all (the
    /// playout waits, so the greeting starts when the peer is confirmed).
    /// </summary>
    public bool PeerConfirmed => _peerConfirmed;

    /// <summary>
    /// Told of this stream's first receive failure (the receive thread logs it once and counts the
    /// rest in voiceagent.rtp.receive_failures); null in tests.
    /// </summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    public ChannelReader<DtmfDigit> Digits => _digits.Reader;

    /// <summary>Packets sent so far (cheap counter for benchmarks and health checks).</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>The RTP timestamp the next packet will carry (media clock units); for pacing measurements.</summary>
    public uint NextTimestamp => Volatile.Read(ref _timestamp);

    /// <summary>When the last well-formed RTP packet arrived (Stopwatch ticks; 0 before the first), for the inactivity timeout.</summary>
    public long LastReceivedTimestamp => Volatile.Read(ref _lastReceived);

    /// <summary>Caller speech transitions from this call's voice activity detector.</summary>
    public ChannelReader<VoiceActivityEvent> VoiceActivity => _voiceActivity.Reader;

    public RtpStreamStatistics Statistics
    {
        get
        {
            lock (_reception)
            {
                return new(
                    Interlocked.Read(ref _packetsSent), Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _packetsReceived),
                    Interlocked.Read(ref _malformedReceived), Interlocked.Read(ref _digitsDropped), _reception.Lost, _reception.Late, _reception.JitterMilliseconds,
                    _rtcp?.Statistics, _sources.RejectedPackets);
            }
        }
    }

    /// <summary>
    /// Delivers the caller's decoded audio (mono PCM at <see cref="IAudioEncoder.SampleRate"/>) to one
    /// more subscriber, e.g. an application's speech recognizer. A slow subscriber loses its oldest frames, never the call's.
    /// </summary>
    public ChannelReader<ReadOnlyMemory<short>> SubscribeCallerAudio(int capacityFrames = 50) => _callerAudio.Subscribe(capacityFrames);


    /// <summary>
    /// Starts receiving the caller's packets (through <paramref name="receiver"/>, the host's one
    /// receive thread), and RTCP on the next port when it is free.
    /// </summary>
    /// <param name="receiver">The receiver to serve this stream; null for a receive loop of its own.</param>
    internal void Start(RtpReceiver? receiver)
    {
        if (_receiveLoop is not null || _registration is not null)
        {
            return;
        }

        _rtcp = RtcpSession.TryOpen(this, ((IPEndPoint)_socket.LocalEndPoint!).Address);
        _rtcp?.Start();
        if (receiver is not null)
        {
            _registration = receiver.Register(_socket, this);
        }
        else
        {
            _receiveLoop = Task.Run(ReceiveLoopAsync);
        }
    }

    /// <summary>
    /// Runs on the media clock thread every 5 ms. Sends the packet due on this stream's 20 ms
    /// cadence, or, when speech becomes ready during silence, starts the talkspurt at once: its
    /// timestamp advances by the time actually elapsed and the marker bit tells the receiver to
    /// re-sync its playout (RFC 3550 §5.1, RFC 3551 §4.1), so no audio waits for the next 20 ms slot.
    /// </summary>
    public void OnTick(long now)
    {
        if (!_peerConfirmed)
        {
            return; // no media towards an address before the peer is confirmed (media amplification)
        }

        if (_nextSend == 0)
        {
            // Registered at answer time: the first packet is speech if it is ready within one frame,
            // so the caller does not hear a frame of silence before the greeting.
            _nextSend = now + _frameTicks;
            if (Playout.HasSpeechReady(_frame.Length))
            {
                SendPacket(now);
            }

            return;
        }

        // `now` is the clock's scheduled tick time, so deadlines set from it fall on ticks exactly.
        if (now >= _nextSend)
        {
            SendPacket(now);
            _nextSend += _frameTicks;
            if (_nextSend <= now)
            {
                _nextSend = now + _frameTicks; // first packet, or the machine stalled: re-base the cadence
            }
        }
        else if (!_inTalkspurt && Playout.HasSpeechReady(_frame.Length))
        {
            if (_lastSend != 0)
            {
                var elapsedSamples = (now - _lastSend) * _encoder.ClockRate / Stopwatch.Frequency;
                _timestamp = _timestamp - (uint)_timestampStep + (uint)elapsedSamples;
            }

            SendPacket(now);
            _nextSend = now + _frameTicks;
        }
    }


    /// <summary>
    /// Sends keys to the peer as RFC 4733 events (an IVR on an outbound call), in place of audio while
    /// each key lasts. False when no telephone-event was negotiated or a character is not a key.
    /// </summary>
    public bool SendDigits(string digits) => _telephoneEventPayloadType is not null && _dtmfOut.Queue(digits);

    /// <summary>Keys still queued or being sent.</summary>
    public int PendingDigits => _dtmfOut.Pending;

    private void SendPacket(long now)
    {
        _lastSend = now;
        if (_telephoneEventPayloadType is { } eventType && _dtmfOut.TryNext(_packet.AsSpan(RtpHeader.Size, 4), out var first, out var slots))
        {
            // The event's packets all carry its start timestamp; audio waits (the playout is not read).
            var start = _timestamp - (uint)(slots * _timestampStep);
            new RtpHeader(first, (byte)eventType, _sequence, start, _ssrc).Write(_packet);
            _sequence++;
            _timestamp += (uint)_timestampStep;
            _inTalkspurt = false;
            TrySend(RtpHeader.Size + 4);
            return;
        }

        // Silence is encoded like speech (zeros): stateful codecs (Opus, G.722) must see a continuous signal.
        var speech = Playout.TryReadFrame(_frame);
        if (!speech)
        {
            Array.Clear(_frame);
        }

        var length = _encoder.Encode(_frame, _packet.AsSpan(RtpHeader.Size));

        // RFC 3551 §4.1: the marker bit flags the first packet of a talkspurt.
        var marker = speech && !_inTalkspurt;
        _inTalkspurt = speech;
        if (!Volatile.Read(ref _sending))
        {
            // On hold (our direction recvonly or inactive): time goes on, nothing is sent.
            _timestamp += (uint)_timestampStep;
            return;
        }

        new RtpHeader(marker, _payloadType, _sequence, _timestamp, _ssrc).Write(_packet);
        _sequence++;
        _timestamp += (uint)_timestampStep;
        TrySend(RtpHeader.Size + length);
    }

    private void TrySend(int length)
    {
        try
        {
            var sent = _socket.SendTo(_packet.AsSpan(0, length), SocketFlags.None, Volatile.Read(ref _remote));
            Interlocked.Increment(ref _packetsSent);
            Interlocked.Add(ref _bytesSent, sent);
        }
        catch (SocketException)
        {
            // ICMP port-unreachable from a peer that has not opened its port yet: keep the stream's timing.
        }
        catch (ObjectDisposedException)
        {
        }
    }


    /// <summary>
    /// False while our direction is recvonly or inactive (the peer put the call on hold, RFC 3264
    /// §8.4): the speech goes on in time but no packet is sent.
    /// </summary>
    public bool Sending
    {
        get => Volatile.Read(ref _sending);
        set => Volatile.Write(ref _sending, value);
    }

    /// <summary>
    /// The signalling confirmed the peer: the ACK of our 2xx arrived (inbound), or the callee's 2xx
    /// did (outbound). RFC 3261 §13.3.1.4: the session is established by the ACK, not the 2xx.
    /// </summary>
    public void ConfirmPeer() => _peerConfirmed = true;

    /// <summary>
    /// A new media address from a re-INVITE (an established dialog, so the peer stays confirmed):
    /// send there, and learn the source again. The same address again (a session refresh) changes nothing,
    /// so a phone behind NAT keeps its learned source.
    /// </summary>
    public void UpdateRemote(IPEndPoint remote)
    {
        if (remote.Equals(Volatile.Read(ref _signalledEndPoint)))
        {
            return;
        }

        Volatile.Write(ref _signalledEndPoint, remote);
        Volatile.Write(ref _remoteEndPoint, remote);
        Volatile.Write(ref _remote, remote.Serialize());
        _sources.Signal(remote);
    }

    public async ValueTask DisposeAsync()
    {
        if (_rtcp is not null)
        {
            await _rtcp.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _registration?.Dispose(); // before the socket closes: its descriptor number may be reused at once
        _socket.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }

        _digits.Writer.TryComplete();
        _voiceActivity.Writer.TryComplete();
        _callerAudio.Complete();

        (_encoder as IDisposable)?.Dispose();
        (_decoder as IDisposable)?.Dispose();
        _onClosed?.Invoke(LocalPort);
        _stopping.Dispose();
    }
}
