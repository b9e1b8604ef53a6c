using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Media;

/// <summary>The shared RTP receiver: one epoll thread serving many sockets (Linux; elsewhere these tests pass vacuously).</summary>
public sealed class RtpReceiverTests : IDisposable
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
        // so the allocations of the receive, parse, jitter buffer, decode and VAD are this thread's.
        var socket = Bound();
        await using var stream = new RtpStream(Bound(), new RtpStreamFormat(G711MuLawCodec.Instance, 0, 101), new IPEndPoint(IPAddress.Loopback, 9));
        using var registration = new RtpReceiverRegistration(_receiver, socket, (int)socket.Handle, stream, slot: 0, generation: 0);
        using var caller = Bound();
        var packet = new byte[RtpHeader.Size + 160];
        var buffer = new byte[2048];
        var source = new SocketAddress(AddressFamily.InterNetwork);
        long allocated = 0;
        for (var i = 0; i < 120; i++)
        {
            new RtpHeader(i == 0, 0, (ushort)i, (uint)(i * 160), 42).Write(packet);
            caller.SendTo(packet, socket.LocalEndPoint!);
            await WaitUntilAsync(() => socket.Available > 0);
            var before = GC.GetAllocatedBytesForCurrentThread();
            registration.ReceiveOne(buffer, source);
            if (i >= 20)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before; // after warm-up: latching, JIT
            }
        }

        Assert.Equal(120, stream.Statistics.PacketsReceived);
        Assert.True(allocated < 100 * 24, $"{allocated} bytes allocated over 100 packets");
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

    private sealed class RecordingSink : IRtpDatagramSink
    {
        public ConcurrentQueue<(byte[] Bytes, EndPoint Source)> Datagrams { get; } = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source)
            => Datagrams.Enqueue((datagram.ToArray(), new IPEndPoint(IPAddress.Any, 0).Create(source)));
    }
}
