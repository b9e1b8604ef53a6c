using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace VoiceAgent.Telephony.Rtp;

/// <summary>
/// Hands out even RTP ports from the configured range (RFC 3550 §11: RTP on an even port, RTCP on
/// the next odd one) by binding the socket itself, so a port another process holds is skipped.
/// Each search starts at a random even port of the range (RFC 3550 §8.2 and the "RTP Bleed" advisory
/// CVE-2017-14099): an attacker who saw one call's port cannot aim at the next call's.
/// </summary>
public sealed class RtpPortAllocator
{
    private readonly IPAddress _address;
    private readonly int _min;
    private readonly int _max;
    private readonly Lock _gate = new();
    private readonly HashSet<int> _inUse = [];

    public RtpPortAllocator(IPAddress address, int portMin, int portMax)
    {
        _address = address;
        _min = portMin + (portMin & 1);
        _max = portMax;
        if (_min >= _max)
        {
            throw new ArgumentException($"RTP port range {portMin}-{portMax} holds no even port.");
        }
    }

    /// <summary>A UDP socket bound to a free even port of the range. Throws when the range is exhausted.</summary>
    public Socket Allocate()
    {
        lock (_gate)
        {
            var count = (_max - _min) / 2 + 1;
            var first = RandomNumberGenerator.GetInt32(count);
            for (var attempt = 0; attempt < count; attempt++)
            {
                var port = _min + ((first + attempt) % count * 2);
                if (_inUse.Contains(port))
                {
                    continue;
                }

                var socket = new Socket(_address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    socket.Bind(new IPEndPoint(_address, port));
                    _inUse.Add(port);
                    return socket;
                }
                catch (SocketException)
                {
                    socket.Dispose();
                }
            }
        }

        throw new InvalidOperationException($"No free RTP port in {_min}-{_max}.");
    }

    public void Release(int port)
    {
        lock (_gate)
        {
            _inUse.Remove(port);
        }
    }
}
