using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using VoiceAgent.Telephony.Native;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// One thread receiving the RTP of every call: the sockets sit in one epoll set (level-triggered),
/// each ready socket gives one datagram per wait to its stream's receive processing. baresip serves
/// its sockets from one epoll thread the same way; an asynchronous receive per call instead costs a
/// thread-pool completion per packet (5,000 a second at 100 calls). Measured with `compare 100 10`
/// on 2 cores: see bench/README.md. A stream is only ever served by this one thread, so its receive
/// state keeps a single owner. The host owns one (created at start-up, stopped with it) and hands
/// it to every stream it starts. Linux only; elsewhere <see cref="TryCreate"/> gives null and
/// streams keep their own receive loop.
/// </summary>
internal sealed class RtpReceiver : IDisposable
{
    private const int MaxEvents = 256;

    /// <summary>Datagrams whose processing threw: counted here, logged once per stream by the stream.</summary>
    internal static readonly Counter<long> Failures = TelephonyMetrics.Meter.CreateCounter<long>(
        "voiceagent.rtp.receive_failures", "{packet}", "RTP datagrams whose processing threw; the stream's first failure is logged, the rest only counted");

    /// <summary>How often the thread looks at its stop flag when no packet comes.</summary>
    private const int WaitTimeoutMilliseconds = 200;

    private readonly EpollHandle _epoll;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private readonly Stack<int> _freeSlots = new();
    private RtpReceiverRegistration?[] _slots = new RtpReceiverRegistration?[64];
    private int _usedSlots;
    private uint _generation;
    private volatile bool _stopping;

    private RtpReceiver(EpollHandle epoll)
    {
        _epoll = epoll;
        _thread = new Thread(Run) { IsBackground = true, Name = "VoiceAgent RTP receiver" };
        _thread.Start();
    }

    /// <summary>Sockets being served.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _usedSlots - _freeSlots.Count;
            }
        }
    }

    /// <summary>A new receiver with its thread started, or null where epoll is unavailable.</summary>
    public static RtpReceiver? TryCreate() => EpollHandle.TryCreate() is { } epoll ? new RtpReceiver(epoll) : null;

    /// <summary>
    /// Serves <paramref name="socket"/> until the registration is disposed, which must happen before
    /// the socket is closed. The socket becomes non-blocking: a datagram the kernel drops between
    /// readiness and the read (a bad checksum) must not block every other call's reception.
    /// </summary>
    public RtpReceiverRegistration Register(Socket socket, IRtpDatagramSink sink)
    {
        socket.Blocking = false;
        var fd = (int)socket.Handle;
        RtpReceiverRegistration registration;
        lock (_gate)
        {
            if (!_freeSlots.TryPop(out var slot))
            {
                if (_usedSlots == _slots.Length)
                {
                    var grown = new RtpReceiverRegistration?[_slots.Length * 2];
                    _slots.CopyTo(grown, 0);
                    Volatile.Write(ref _slots, grown);
                }

                slot = _usedSlots++;
            }

            registration = new RtpReceiverRegistration(this, socket, fd, sink, slot, ++_generation);
            Volatile.Write(ref _slots[slot], registration);
        }

        // The tag carries a generation: an event read before a slot was reused cannot reach its new owner.
        if (!EpollNative.TryAdd(_epoll, fd, ((ulong)registration.Generation << 32) | (uint)registration.Slot))
        {
            Release(registration);
            throw new InvalidOperationException($"epoll_ctl(ADD) failed for an RTP socket (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }

        return registration;
    }

    /// <summary>Stops serving a socket; returns once no datagram of it is being processed.</summary>
    internal void Unregister(RtpReceiverRegistration registration)
    {
        EpollNative.Remove(_epoll, registration.Fd);
        registration.Close(); // waits for a datagram being processed on the receiver thread
        Release(registration);
    }

    private void Release(RtpReceiverRegistration registration)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_slots[registration.Slot], registration))
            {
                Volatile.Write(ref _slots[registration.Slot], null);
                _freeSlots.Push(registration.Slot);
            }
        }
    }

    private unsafe void Run()
    {
        var events = stackalloc byte[MaxEvents * EpollNative.EventSize];
        var buffer = new byte[2048];
        var sourceV4 = new SocketAddress(AddressFamily.InterNetwork);
        var sourceV6 = new SocketAddress(AddressFamily.InterNetworkV6);
        while (!_stopping)
        {
            var ready = EpollNative.Wait(_epoll, events, MaxEvents, WaitTimeoutMilliseconds);
            if (ready < 0)
            {
                if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EpollNative.Interrupted)
                {
                    continue;
                }

                return; // the epoll set is gone (disposed)
            }

            var slots = Volatile.Read(ref _slots);
            for (var i = 0; i < ready; i++)
            {
                var data = Unsafe.ReadUnaligned<ulong>(events + (i * EpollNative.EventSize) + EpollNative.DataOffset);
                var slot = (int)(uint)data;
                if (slot < slots.Length && Volatile.Read(ref slots[slot]) is { } registration && registration.Generation == (uint)(data >> 32))
                {
                    registration.ReceiveOne(buffer, registration.Socket.AddressFamily == AddressFamily.InterNetworkV6 ? sourceV6 : sourceV4);
                }
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _epoll.Dispose();
    }
}
