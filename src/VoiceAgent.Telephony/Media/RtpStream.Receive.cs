using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Media.Vad;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Media;

/// <summary>The receiving half of a stream: the caller's packets, latching, DTMF, decoding, VAD, subscribers, statistics for RTCP.</summary>
public sealed partial class RtpStream
{
    /// <summary>The peer's SSRC and a copy of the reception counters, for RTCP report blocks.</summary>
    internal (uint? RemoteSsrc, (long Expected, long Received, long Lost, uint ExtendedHighestSequence, uint JitterTimestampUnits)? Reception) ReceptionSnapshot()
    {
        lock (_reception)
        {
            return _remoteSsrc is null
                ? (null, null)
                : (_remoteSsrc, (_reception.Expected, _reception.Received, _reception.Lost, _reception.ExtendedHighestSequence, _reception.JitterTimestampUnits));
        }
    }

    /// <summary>Where there is no shared receiver (not Linux): one asynchronous receive loop per stream.</summary>
    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        var source = new SocketAddress(_socket.AddressFamily);
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, source, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP errors surface on receive on Linux; the socket stays usable.
            }

            try
            {
                OnDatagram(buffer.AsSpan(0, length), source);
            }
            catch (Exception ex)
            {
                RtpReceiver.Failures.Add(1);
                ((IRtpDatagramSink)this).OnDatagramFailed(ex);
            }
        }
    }

    /// <summary>A packet's processing threw (counted by the caller): logged once per stream, as a broken stream would fail on every packet.</summary>
    void IRtpDatagramSink.OnDatagramFailed(Exception exception)
    {
        if (Logger is { } logger && Interlocked.Exchange(ref _receiveFailureLogged, 1) == 0)
        {
            Sip.TelephonyLog.RtpReceiveFailed(logger, exception, LocalPort);
        }
    }

    /// <summary>Whether RTCP from <paramref name="address"/> is the peer's: its address is the one RTP is admitted from (RTCP's port may differ behind NAT).</summary>
    internal bool AcceptsRtcpFrom(IPAddress address) => address.Equals(RemoteEndPoint.Address);

    /// <summary>One datagram from the caller, from the shared receiver's thread or this stream's own loop (never both).</summary>
    void IRtpDatagramSink.OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source) => OnDatagram(datagram, source);

    private void OnDatagram(ReadOnlySpan<byte> packet, SocketAddress source)
    {
        if (!RtpHeader.TryParse(packet, out var header, out var offset, out var payloadLength))
        {
            Interlocked.Increment(ref _malformedReceived);
            return;
        }

        switch (_sources.Admit(source, header.Ssrc, header.SequenceNumber))
        {
            case RtpSourceVerdict.Rejected or RtpSourceVerdict.Learning:
                return; // not audio, not DTMF, not VAD, not the inactivity timer: as if it never came (the filter counts it)
            case RtpSourceVerdict.Latched:
                Latch();
                break;
        }

        Interlocked.Increment(ref _packetsReceived);
        Volatile.Write(ref _lastReceived, Stopwatch.GetTimestamp());

        if (header.PayloadType == _telephoneEventPayloadType)
        {
            if (_dtmf.TryDecode(packet.Slice(offset, payloadLength), header.Timestamp, out var digit))
            {
                _digits.Writer.TryWrite(digit);
            }
        }
        else if (header.PayloadType == _payloadType)
        {
            OnCallerAudio(header, packet.Slice(offset, payloadLength));
        }
    }

    /// <summary>
    /// The caller's audio: statistics, then a small reorder buffer, then decode in sequence order;
    /// a packet that never came is concealed by the codec (Opus PLC) or played as silence.
    /// </summary>
    private void OnCallerAudio(RtpHeader header, ReadOnlySpan<byte> payload)
    {
        lock (_reception)
        {
            _reception.Update(header.SequenceNumber, header.Timestamp, Stopwatch.GetTimestamp(), Stopwatch.Frequency);
            _remoteSsrc = header.Ssrc;
        }

        if (_decoder is null)
        {
            return;
        }

        _jitter.Push(header.SequenceNumber, payload);
        while (_jitter.TryPop(_payloadScratch, out var length, out var lost))
        {
            var samples = lost ? _decoder.Conceal(_decoded, _frame.Length) : _decoder.Decode(_payloadScratch.AsSpan(0, length), _decoded);
            if (samples > 0)
            {
                OnCallerFrame(_decoded.AsSpan(0, samples));
            }
        }
    }

    private void OnCallerFrame(ReadOnlySpan<short> frame)
    {
        if (_vad.Process(frame, _encoder.SampleRate) is { } transition)
        {
            _voiceActivity.Writer.TryWrite(new VoiceActivityEvent(transition, Stopwatch.GetTimestamp()));
        }

        _callerAudio.Publish(frame);
    }

    /// <summary>Symmetric RTP (RFC 4961): send where the admitted source is; its media confirms the peer.</summary>
    private void Latch()
    {
        var source = _sources.Latched!;
        var endPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(source);
        Volatile.Write(ref _remoteEndPoint, endPoint);
        Volatile.Write(ref _remote, source);
        _peerConfirmed = true;
    }
}
