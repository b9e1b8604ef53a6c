using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Media;

/// <summary>The shared RTP receiver: one epoll thread serving many sockets (Linux; elsewhere these tests pass vacuously).</summary>
public sealed class RtpReceiverTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly RtpReceiver? _receiver = RtpReceiver.TryCreate();
    private readonly List<Socket> _sockets = [];

    public void Dispose()
    {
        _receiver?.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Each_socket_datagrams_reach_its_own_sink_with_their_source()
    {
        if (_receiver is null)
        {
            return;
        }

        var sinks = Enumerable.Range(0, 20).Select(_ => new RecordingSink()).ToArray();
        var sockets = sinks.Select(_ => Bound()).ToArray();
        var registrations = sinks.Select((sink, i) => _receiver.Register(sockets[i], sink)).ToArray();
        using var sender = Bound();

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < sockets.Length; i++)
            {
                await sender.SendToAsync(new[] { (byte)i, (byte)round }, SocketFlags.None, sockets[i].LocalEndPoint!);
            }
        }

        await WaitUntilAsync(() => sinks.All(s => s.Datagrams.Count == 3));
        for (var i = 0; i < sinks.Length; i++)
        {
            Assert.Equal([(byte)i, 0, (byte)i, 1, (byte)i, 2], sinks[i].Datagrams.SelectMany(d => d.Bytes));
            Assert.All(sinks[i].Datagrams, d => Assert.Equal(sender.LocalEndPoint, d.Source));
        }

        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        Assert.Equal(0, _receiver.Count);
    }

    [Fact]
    public async Task A_disposed_registration_gets_nothing_more_and_its_slot_serves_the_next_socket()
    {
        if (_receiver is null)
        {
            return;
        }

        var first = new RecordingSink();
        var firstSocket = Bound();
        var registration = _receiver.Register(firstSocket, first);
        using var sender = Bound();
        registration.Dispose();
        registration.Dispose(); // idempotent: the descriptor may belong to another socket by now
        await sender.SendToAsync(new byte[] { 1 }, SocketFlags.None, firstSocket.LocalEndPoint!);

        var second = new RecordingSink();
        var secondSocket = Bound();
        using var secondRegistration = _receiver.Register(secondSocket, second);
        await sender.SendToAsync(new byte[] { 2 }, SocketFlags.None, secondSocket.LocalEndPoint!);

        await WaitUntilAsync(() => !second.Datagrams.IsEmpty);
        await Task.Delay(50);
        Assert.Empty(first.Datagrams);
        Assert.Equal([2], Assert.Single(second.Datagrams).Bytes);
    }

    [Fact]
    public async Task Receiving_a_packet_allocates_nothing()
    {
        if (_receiver is null)
        {
            return;
        }

        // A stream as a call has it, and a registration driven from this thread (not added to epoll),
        // so the allocations of the receive, parse, source check, jitter buffer, decode and VAD are this thread's.
        var socket = Bound();
        using var caller = Bound();
        await using var stream = new RtpStream(Bound(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)caller.LocalEndPoint!);
        using var registration = new RtpReceiverRegistration(_receiver, socket, (int)socket.Handle, stream, slot: 0, generation: 0);
        var allocated = await ReceiveAsync(registration, socket, caller, 120);

        output.WriteLine($"receiving: {allocated} bytes allocated over 100 admitted packets");
        Assert.Equal(120, stream.Statistics.PacketsReceived);
        Assert.True(allocated < 100 * 24, $"{allocated} bytes allocated over 100 packets");
    }

    [Fact]
    public async Task Rejecting_a_spoofed_packet_allocates_nothing()
    {
        if (_receiver is null)
        {
            return;
        }

        var socket = Bound();
        using var caller = Bound();
        using var attacker = Bound();
        await using var stream = new RtpStream(Bound(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), (IPEndPoint)caller.LocalEndPoint!);
        using var registration = new RtpReceiverRegistration(_receiver, socket, (int)socket.Handle, stream, slot: 0, generation: 0);
        await ReceiveAsync(registration, socket, caller, 1); // latched to the caller

        var allocated = await ReceiveAsync(registration, socket, attacker, 120);

        output.WriteLine($"rejecting: {allocated} bytes allocated over 100 spoofed packets");
        Assert.Equal(1, stream.Statistics.PacketsReceived);
        Assert.Equal(120, stream.Statistics.PacketsRejected);
        Assert.Equal(caller.LocalEndPoint, stream.RemoteEndPoint);
        Assert.True(allocated < 100 * 24, $"{allocated} bytes allocated over 100 rejected packets");
    }

    [Fact]
    public async Task A_sink_that_throws_is_counted_and_the_receiver_goes_on_serving_other_sockets()
    {
        if (_receiver is null)
        {
            return;
        }

        var broken = Bound();
        var healthy = Bound();
        var throwing = new ThrowingSink();
        var recording = new RecordingSink();
        using var first = _receiver.Register(broken, throwing);
        using var second = _receiver.Register(healthy, recording);
        using var sender = Bound();
        for (var i = 0; i < 3; i++)
        {
            await sender.SendToAsync(new byte[] { 1 }, SocketFlags.None, broken.LocalEndPoint!);
        }

        await WaitUntilAsync(() => Volatile.Read(ref throwing.Failures) == 3);
        await sender.SendToAsync(new byte[] { 2 }, SocketFlags.None, healthy.LocalEndPoint!);
        await WaitUntilAsync(() => !recording.Datagrams.IsEmpty);

        Assert.Equal([2], Assert.Single(recording.Datagrams).Bytes);
    }

    /// <summary>Sends <paramref name="count"/> PCMU packets in sequence and receives each on this thread; the bytes allocated after the first 20 (warm-up: latching, JIT).</summary>
    private static async Task<long> ReceiveAsync(RtpReceiverRegistration registration, Socket socket, Socket from, int count)
    {
        var packet = new byte[RtpHeader.Size + 160];
        var buffer = new byte[2048];
        var source = new SocketAddress(AddressFamily.InterNetwork);
        var ssrc = (uint)((IPEndPoint)from.LocalEndPoint!).Port;
        long allocated = 0;
        for (var i = 0; i < count; i++)
        {
            new RtpHeader(i == 0, 0, (ushort)i, (uint)(i * 160), ssrc).Write(packet);
            from.SendTo(packet, socket.LocalEndPoint!);
            await WaitUntilAsync(() => socket.Available > 0);
            var before = GC.GetAllocatedBytesForCurrentThread();
            registration.ReceiveOne(buffer, source);
            if (i >= 20)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        return allocated;
    }

    private Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sockets.Add(socket);
        return socket;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }

    private sealed class ThrowingSink : IRtpDatagramSink
    {
        public int Failures;

        public void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source) => throw new InvalidOperationException("a broken stream");

        public void OnDatagramFailed(Exception exception) => Interlocked.Increment(ref Failures);
    }

    private sealed class RecordingSink : IRtpDatagramSink
    {
        public ConcurrentQueue<(byte[] Bytes, EndPoint Source)> Datagrams { get; } = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source)
            => Datagrams.Enqueue((datagram.ToArray(), new IPEndPoint(IPAddress.Any, 0).Create(source)));
    }
}
