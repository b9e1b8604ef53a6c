using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>Finds free loopback ports. Ranges are handed out from distinct blocks so parallel tests never share one.</summary>
internal static class FreePorts
{
    private static int _nextBlock = 21000 + (Environment.ProcessId % 50) * 400;

    /// <summary>A UDP port that is free now, together with the next <paramref name="alsoFree"/> ports.</summary>
    public static int Udp(int alsoFree = 0)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Interlocked.Add(ref _nextBlock, 2 + alsoFree) - (2 + alsoFree);
            if (start % 2 == 1)
            {
                start++;
            }

            if (AllFree(start, alsoFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException("No free UDP port block on 127.0.0.1.");
    }

    /// <summary>A TCP port nothing listens on now (the kernel's choice): a dead application's address.</summary>
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A block of <paramref name="count"/> consecutive free UDP ports (an RTP range).</summary>
    public static (int Min, int Max) UdpRange(int count)
    {
        var start = Udp(count);
        return (start, start + count - 1);
    }

    private static bool AllFree(int start, int extra)
    {
        for (var port = start; port <= start + extra; port++)
        {
            if (port > 65000)
            {
                Interlocked.Exchange(ref _nextBlock, 21000);
                return false;
            }

            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }
}
