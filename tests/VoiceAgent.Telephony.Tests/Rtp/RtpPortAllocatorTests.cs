using System.Net;
using System.Net.Sockets;
using VoiceAgent.Telephony.Rtp;

namespace VoiceAgent.Telephony.Tests.Rtp;

public sealed class RtpPortAllocatorTests
{
    /// <summary>A free even port with its odd neighbour free too, found by asking the kernel.</summary>
    private static int FreeEvenPortPair()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port & ~1;
            if (port is > 1024 and < 65000)
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free port found");
    }

    [Fact]
    public void Allocates_even_ports_and_skips_ports_held_elsewhere()
    {
        using var holder = BindEvenEphemeralPort();
        var held = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var allocator = new RtpPortAllocator(IPAddress.Loopback, held - 1, held + 5);
        using var first = allocator.Allocate();
        var port = ((IPEndPoint)first.LocalEndPoint!).Port;

        Assert.Equal(0, port % 2);
        Assert.NotEqual(held, port);
        Assert.InRange(port, held + 2, held + 4);
    }

    private static Socket BindEvenEphemeralPort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            if (((IPEndPoint)socket.LocalEndPoint!).Port % 2 == 0)
            {
                return socket;
            }

            socket.Dispose();
        }

        throw new InvalidOperationException("the kernel handed out no even port");
    }

    [Fact]
    public void Exhausted_range_throws_and_a_released_port_is_reused()
    {
        var start = FreeEvenPortPair();
        var allocator = new RtpPortAllocator(IPAddress.Loopback, start, start + 1);
        int port;
        using (var only = allocator.Allocate())
        {
            port = ((IPEndPoint)only.LocalEndPoint!).Port;
            Assert.Equal(start, port);
            Assert.Throws<InvalidOperationException>(allocator.Allocate);
        }

        allocator.Release(port);
        using var again = allocator.Allocate();
        Assert.Equal(port, ((IPEndPoint)again.LocalEndPoint!).Port);
    }

    [Fact]
    public void Ports_of_successive_calls_are_not_sequential()
    {
        // RTP Bleed (CVE-2017-14099): a port seen in one call must not tell an attacker the next one.
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 52000, 53998);
        var sockets = Enumerable.Range(0, 20).Select(_ => allocator.Allocate()).ToList();
        try
        {
            var ports = sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToList();
            var nextInOrder = ports.Zip(ports.Skip(1)).Count(p => p.Second == p.First + 2);

            Assert.All(ports, p => Assert.Equal(0, p % 2));
            Assert.Equal(ports.Count, ports.Distinct().Count());
            // 1000 even ports: a pair in order by chance has probability 1/1000 (0.02 expected over 19 pairs).
            Assert.True(nextInOrder <= 2, $"{nextInOrder} of 19 successive ports were the next in order: {string.Join(' ', ports)}");
            Assert.True(ports.Max() - ports.Min() > 200, $"ports span only {ports.Max() - ports.Min()}: {string.Join(' ', ports)}");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_range_without_an_even_port_is_refused()
        => Assert.Throws<ArgumentException>(() => new RtpPortAllocator(IPAddress.Loopback, 40001, 40001));
}
