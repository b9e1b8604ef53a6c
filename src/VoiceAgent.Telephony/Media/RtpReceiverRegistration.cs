using System.Net;
using System.Net.Sockets;

namespace VoiceAgent.Telephony.Media;

/// <summary>One socket served by the <see cref="RtpReceiver"/>; disposing it stops the service.</summary>
internal sealed class RtpReceiverRegistration : IDisposable
{
    private readonly RtpReceiver _receiver;
    private readonly IRtpDatagramSink _sink;
    private readonly Lock _receiving = new();
    private bool _closed;
    private int _disposed;

    public RtpReceiverRegistration(RtpReceiver receiver, Socket socket, int fd, IRtpDatagramSink sink, int slot, uint generation)
    {
        _receiver = receiver;
        Socket = socket;
        Fd = fd;
        _sink = sink;
        Slot = slot;
        Generation = generation;
    }

    public Socket Socket { get; }

    public int Fd { get; }

    public int Slot { get; }

    public uint Generation { get; }

    /// <summary>On the receiver thread: reads one datagram (the socket was reported readable) and hands it on.</summary>
    public void ReceiveOne(byte[] buffer, SocketAddress source)
    {
        lock (_receiving)
        {
            if (_closed)
            {
                return;
            }

            int length;
            try
            {
                length = Socket.ReceiveFrom(buffer, SocketFlags.None, source);
            }
            catch (SocketException)
            {
                return; // would block (the datagram was dropped after readiness), or an ICMP error surfacing: the socket stays usable
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                _sink.OnDatagram(buffer.AsSpan(0, length), source);
            }
            catch (Exception ex)
            {
                // One call's failure must not stop the reception of every other call.
                RtpReceiver.Failures.Add(1);
                try
                {
                    _sink.OnDatagramFailed(ex);
                }
                catch (Exception)
                {
                    // Reporting must not be the thing that stops this thread either (counted above).
                }
            }
        }
    }

    /// <summary>After this returns no datagram is being handed to the sink, and none will be.</summary>
    internal void Close()
    {
        lock (_receiving)
        {
            _closed = true;
        }
    }

    public void Dispose()
    {
        // Once only: the descriptor number may already belong to a newer socket.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _receiver.Unregister(this);
        }
    }
}
