using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// A call's RTCP on the RTP port + 1 (RFC 3550 §6): every ~5 s (randomised between 0.5 and 1.5 of it,
/// §6.3.1) a compound SR (RR before we have sent) with a report block about the peer's stream and an
/// SDES CNAME; from the peer's reports it keeps their view of our stream and the round-trip time
/// (A - LSR - DLSR, §6.4.1). A BYE goes out when the call ends. As the RTP: nothing is sent before
/// the peer is confirmed, and reports are read only from the address RTP is admitted from.
/// </summary>
internal sealed class RtcpSession : IAsyncDisposable
{
    private static readonly Counter<long> Rejected = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtcp.rejected", "{packet}", "RTCP packets dropped because they did not come from the address the call's RTP is admitted from");

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly RtpStream _stream;
    private readonly string _cname;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _buffer = new byte[1500];
    private readonly Lock _gate = new();
    private Task? _loops;
    private long _reportsSent;
    private long _reportsReceived;
    private uint _lastSenderReport;
    private long _lastSenderReportArrival;
    private long _expectedPrior;
    private long _receivedPrior;
    private RtcpReportBlock? _peerView;
    private double? _roundTripMs;

    private RtcpSession(Socket socket, RtpStream stream)
    {
        _socket = socket;
        _stream = stream;
        _cname = $"voiceagent-{stream.Ssrc:x8}@{((IPEndPoint)socket.LocalEndPoint!).Address}";
    }

    /// <summary>Binds the RTP port + 1 next to <paramref name="stream"/>; null when that port is taken (the call goes on without RTCP).</summary>
    public static RtcpSession? TryOpen(RtpStream stream, IPAddress localAddress)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(localAddress, stream.LocalPort + 1));
            return new RtcpSession(socket, stream);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    public void Start() => _loops ??= Task.WhenAll(Task.Run(SendLoopAsync), Task.Run(ReceiveLoopAsync));

    public RtcpStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                var clockRate = _stream.Encoder.ClockRate;
                return new RtcpStatistics(
                    Interlocked.Read(ref _reportsSent),
                    Interlocked.Read(ref _reportsReceived),
                    _roundTripMs,
                    _peerView is { } v ? v.FractionLost * 100.0 / 256 : null,
                    _peerView?.CumulativeLost,
                    _peerView is { } j ? j.Jitter * 1000.0 / clockRate : null);
            }
        }
    }

    private IPEndPoint RemoteRtcp => new(_stream.RemoteEndPoint.Address, _stream.RemoteEndPoint.Port + 1);

    private async Task SendLoopAsync()
    {
        try
        {
            // §6.2: the first report after half an interval, then randomised intervals.
            await Task.Delay(Interval / 2, _stop.Token).ConfigureAwait(false);
            while (true)
            {
                await SendReportAsync().ConfigureAwait(false);
                await Task.Delay(Interval * (0.5 + Random.Shared.NextDouble()), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendReportAsync()
    {
        if (!_stream.PeerConfirmed)
        {
            return; // no report towards an address the signalling has not confirmed (media amplification)
        }

        var (remoteSsrc, reception) = _stream.ReceptionSnapshot();
        RtcpReportBlock? block = null;
        if (remoteSsrc is { } source && reception is { } r)
        {
            uint lsr;
            uint dlsr;
            lock (_gate)
            {
                var expectedInterval = r.Expected - _expectedPrior;
                var lostInterval = expectedInterval - (r.Received - _receivedPrior);
                _expectedPrior = r.Expected;
                _receivedPrior = r.Received;
                var fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
                lsr = _lastSenderReport;
                dlsr = lsr == 0 ? 0 : (uint)(Stopwatch.GetElapsedTime(_lastSenderReportArrival).TotalSeconds * 65536);
                block = new RtcpReportBlock(source, fraction, (int)Math.Min(r.Lost, 0x7FFFFF), r.ExtendedHighestSequence, r.JitterTimestampUnits, lsr, dlsr);
            }
        }

        var sender = _stream.PacketsSent > 0;
        var length = RtcpPacket.WriteCompound(_buffer, _stream.Ssrc, sender, RtcpPacket.NtpNow(DateTimeOffset.UtcNow), _stream.NextTimestamp,
            (uint)_stream.PacketsSent, (uint)_stream.Statistics.BytesSent, block, _cname);
        try
        {
            await _socket.SendToAsync(_buffer.AsMemory(0, length), SocketFlags.None, RemoteRtcp, _stop.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _reportsSent);
        }
        catch (SocketException)
        {
            // ICMP unreachable: the peer has no RTCP port open; try again next interval.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1500];
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!_stream.AcceptsRtcpFrom(((IPEndPoint)received.RemoteEndPoint).Address))
            {
                Rejected.Add(1); // a spoofed report must not set the round-trip time or the peer's loss figures
                continue;
            }

            if (!RtcpPacket.TryRead(buffer.AsSpan(0, received.ReceivedBytes), _stream.Ssrc, out var aboutUs, out var senderNtp, out _))
            {
                continue; // garbage on the RTCP port is ignored
            }

            Interlocked.Increment(ref _reportsReceived);
            var now = RtcpPacket.Middle32(RtcpPacket.NtpNow(DateTimeOffset.UtcNow));
            lock (_gate)
            {
                if (senderNtp is { } ntp)
                {
                    _lastSenderReport = RtcpPacket.Middle32(ntp);
                    _lastSenderReportArrival = Stopwatch.GetTimestamp();
                }

                if (aboutUs is { } block)
                {
                    _peerView = block;
                    if (block.LastSenderReport != 0)
                    {
                        // §6.4.1: RTT = A - LSR - DLSR, in units of 1/65536 s.
                        var rtt = (int)(now - block.LastSenderReport - block.DelaySinceLastSenderReport);
                        _roundTripMs = Math.Max(0, rtt) * 1000.0 / 65536;
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // §6.6: a BYE says the source is leaving (to a confirmed peer only).
        if (_stream.PeerConfirmed)
        {
            try
            {
                var bye = new byte[8];
                bye[0] = 0x81;
                bye[1] = RtcpPacket.Goodbye;
                bye[3] = 1;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bye.AsSpan(4), _stream.Ssrc);
                _socket.SendTo(bye, RemoteRtcp);
            }
            catch (SocketException)
            {
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_loops is not null)
        {
            await _loops.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
