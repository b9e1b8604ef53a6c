using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Media;

/// <summary>An RtpStream on the shared media clock, talking to a raw UDP socket on loopback.</summary>
public sealed class RtpStreamTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MediaClock _clock = new();
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly RtpPortAllocator _ports = new(IPAddress.Loopback, 31000, 31100);
    private readonly RtpReceiver? _receiver = RtpReceiver.TryCreate(); // as the host owns one
    private RtpStream _stream = null!;

    public Task InitializeAsync()
    {
        // As the host does at start-up: the playout writer's wake-ups must not wait for the pool's
        // thread injection (about 0.5 s per thread) while the test runner holds pool threads.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _stream = new RtpStream(_ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)_peer.LocalEndPoint!, _ports.Release);
        _stream.ConfirmPeer(); // as the host does on the ACK
        _stream.Start(_receiver);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _clock.Unregister(_stream);
        await _stream.DisposeAsync();
        await _clock.DisposeAsync();
        _receiver?.Dispose();
        _peer.Dispose();
    }

    private async Task<List<(RtpHeader Header, byte[] Payload, DateTime At)>> ReceiveAsync(int count)
    {
        var packets = new List<(RtpHeader, byte[], DateTime)>();
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (packets.Count < count)
        {
            var n = await _peer.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, n), out var header, out var offset, out var length));
            packets.Add((header, buffer.AsSpan(offset, length).ToArray(), DateTime.UtcNow));
        }

        return packets;
    }

    [Fact]
    public async Task Speech_then_silence_flows_every_20_ms_with_one_marker_and_marks_complete()
    {
        var tone = Enumerable.Range(0, 8000).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000))).ToArray();
        var start = _stream.Playout.MarkStart();
        var writing = _stream.Playout.WriteAsync(tone, CancellationToken.None).AsTask();
        var receiving = ReceiveAsync(60);
        _clock.Register(_stream);
        await writing.WaitAsync(TimeSpan.FromSeconds(5));
        var end = _stream.Playout.MarkEnd();

        var packets = await receiving;

        await start.WaitAsync(TimeSpan.FromSeconds(5));
        await end.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(packets[0].Header.Marker);
        Assert.True(packets.Count(p => p.Header.Marker) == 1, string.Join(" ", packets.Select((p, i) => $"{i}:{(p.Header.Marker ? "M" : "")}{(p.Payload.All(b => b == 0xFF) ? "s" : "v")}")));
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(packets[i - 1].Header.SequenceNumber + 1), packets[i].Header.SequenceNumber);
            Assert.Equal(packets[i - 1].Header.Timestamp + 160, packets[i].Header.Timestamp);
        }

        // 50 speech packets, then μ-law silence (0xFF) keeps flowing.
        Assert.Contains(packets[10].Payload, b => b != 0xFF);
        Assert.All(packets[55].Payload, b => Assert.Equal(0xFF, b));
        var span = (packets[^1].At - packets[0].At).TotalMilliseconds;
        Assert.InRange(span / (packets.Count - 1), 15, 25);
    }

    [Fact]
    public async Task Sending_a_packet_allocates_nothing_in_steady_state()
    {
        var tone = Enumerable.Range(0, 8000).Select(i => (short)(8000 * Math.Sin(i / 3.0))).ToArray();
        var writer = Task.Run(async () => await _stream.Playout.WriteAsync(tone, CancellationToken.None));
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var frame = System.Diagnostics.Stopwatch.Frequency / 50;
        for (var i = 0; i < 20; i++)
        {
            _stream.OnTick(now += frame); // warm up: first packets, JIT
            await Task.Delay(5);
        }

        long allocated = 0;
        for (var i = 0; i < 100; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _stream.OnTick(now += frame);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            await Task.Delay(2);
        }

        // No allocation per packet: even the smallest object on each of the 100 sends would be 2400
        // bytes. A rare runtime allocation on this thread (a pool work item when the writer's wake-up
        // is queued under load, seen once as 56 bytes) is not per packet and is tolerated.
        output.WriteLine($"sending: {allocated} bytes allocated over 100 packets");
        Assert.True(allocated < 100 * 24, $"{allocated} bytes allocated over 100 packets");
        Assert.True(_stream.Statistics.PacketsSent >= 100);
        _stream.Playout.Clear();
        _stream.OnTick(now + frame);
        await Task.WhenAny(writer, Task.Delay(100));
    }

    [Fact]
    public async Task Clear_drops_queued_speech_within_a_couple_of_frames()
    {
        var tone = Enumerable.Range(0, 800).Select(i => (short)(8000 * Math.Sin(i / 3.0))).ToArray();
        await _stream.Playout.WriteAsync(tone, CancellationToken.None);

        _stream.Playout.Clear();
        _clock.Register(_stream);
        var packets = await ReceiveAsync(3);

        Assert.Equal(0, _stream.Playout.Queued);
        Assert.All(packets.Skip(1), p => Assert.All(p.Payload, b => Assert.Equal(0xFF, b)));
    }

    /// <summary>An RFC 4733 event as a phone sends it: a start packet, then end packets (§2.5.1.4), all with the event's timestamp.</summary>
    private static async Task SendDigitAsync(Socket from, int port, byte digit, int packets, int firstSequence = 1, uint ssrc = 42)
    {
        var packet = new byte[16];
        for (var i = 0; i < packets; i++)
        {
            new RtpHeader(i == 0, 101, (ushort)(firstSequence + i), 1234, ssrc).Write(packet);
            packet[12] = digit;
            packet[13] = (byte)(i == 0 ? 0x0A : 0x8A);
            packet[14] = 0x03;
            packet[15] = 0x20;
            await from.SendToAsync(packet, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_new_source_is_learned_after_four_in_sequence_packets_and_its_dtmf_decoded()
    {
        // A phone behind NAT: its packets come from another address than its SDP's.
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await SendDigitAsync(caller, _stream.LocalPort, 7, packets: 6);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var digit = await _stream.Digits.ReadAsync(timeout.Token);

        Assert.Equal('7', digit.Digit);
        Assert.Equal(100, digit.DurationMs);
        Assert.Equal(caller.LocalEndPoint, _stream.RemoteEndPoint);
        Assert.Equal(RtpSourceFilter.Probation - 1, _stream.Statistics.PacketsRejected); // the probation's packets
        Assert.False(_stream.Digits.TryRead(out _));
    }

    [Fact]
    public async Task A_spoofed_source_is_dropped_and_counted_and_its_dtmf_never_decoded_once_the_peer_has_latched()
    {
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.66"), 0));
        await SendDigitAsync(_peer, _stream.LocalPort, 1, packets: 2); // the real peer, from its SDP address
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal('1', (await _stream.Digits.ReadAsync(timeout.Token)).Digit);

        await SendDigitAsync(attacker, _stream.LocalPort, 11, packets: 20, firstSequence: 3, ssrc: 42); // '#', in sequence, the peer's SSRC
        await WaitUntilAsync(() => _stream.Statistics.PacketsRejected == 20);

        Assert.Equal(20, _stream.Statistics.PacketsRejected);
        Assert.Equal(2, _stream.Statistics.PacketsReceived);
        Assert.False(_stream.Digits.TryRead(out _));
        Assert.Equal(_peer.LocalEndPoint, _stream.RemoteEndPoint);
    }

    [Fact]
    public async Task A_single_packet_from_a_new_source_neither_moves_the_stream_nor_reaches_the_decoder()
    {
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.66"), 0));

        await SendDigitAsync(attacker, _stream.LocalPort, 11, packets: 1);
        await WaitUntilAsync(() => _stream.Statistics.PacketsRejected == 1);

        Assert.Equal(1, _stream.Statistics.PacketsRejected);
        Assert.Equal(_peer.LocalEndPoint, _stream.RemoteEndPoint);
        Assert.False(_stream.Digits.TryRead(out _));
        Assert.Equal(0, _stream.LastReceivedTimestamp); // nor keeps a silent call alive
    }

    [Fact]
    public async Task Nothing_is_sent_before_the_peer_is_confirmed_and_its_own_media_confirms_it()
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var stream = new RtpStream(_ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)sink.LocalEndPoint!, _ports.Release);
        stream.Start(_receiver);
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var frame = System.Diagnostics.Stopwatch.Frequency / 50;
        for (var i = 0; i < 20; i++)
        {
            stream.OnTick(now += frame);
        }

        Assert.False(stream.PeerConfirmed);
        Assert.Equal(0, stream.PacketsSent);
        Assert.Equal(0, sink.Available);

        await SendDigitAsync(sink, stream.LocalPort, 1, packets: 1); // media from the SDP address
        await WaitUntilAsync(() => stream.PeerConfirmed);
        for (var i = 0; i < 3; i++)
        {
            stream.OnTick(now += frame);
        }

        Assert.True(stream.PeerConfirmed);
        Assert.True(stream.PacketsSent >= 2);
    }

    [Fact]
    public async Task Garbage_datagrams_are_counted_and_ignored()
    {
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await caller.SendToAsync(new byte[] { 1, 2, 3 }, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, _stream.LocalPort));

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (_stream.Statistics.MalformedReceived == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, _stream.Statistics.MalformedReceived);
        Assert.Equal((IPEndPoint)_peer.LocalEndPoint!, _stream.RemoteEndPoint);
    }

    [Fact]
    public async Task Stream_with_its_own_receive_loop_latches_and_decodes_dtmf()
    {
        // The path taken where there is no shared receiver (not Linux).
        await using var stream = new RtpStream(_ports.Allocate(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)_peer.LocalEndPoint!, _ports.Release);
        stream.Start(receiver: null);

        await SendDigitAsync(_peer, stream.LocalPort, 5, packets: 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var digit = await stream.Digits.ReadAsync(timeout.Token);

        Assert.Equal('5', digit.Digit);
        Assert.Equal(_peer.LocalEndPoint, stream.RemoteEndPoint);
        Assert.True(stream.PeerConfirmed);
    }
}
