using System.Runtime.InteropServices;

namespace VoiceAgent.Telephony.Native;

/// <summary>Linux epoll (libc): readiness of many sockets through one wait, the way baresip's re library polls.</summary>
internal static partial class EpollNative
{
    public const uint EpollIn = 0x001;
    public const int ControlAdd = 1;
    public const int ControlDelete = 2;
    public const int CloseOnExec = 0x80000;
    public const int Interrupted = 4; // EINTR: the runtime's GC suspension signals interrupt waits

    /// <summary>sizeof(struct epoll_event): packed on x86-64 (12 bytes), naturally aligned elsewhere (16).</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of the 64-bit user data in struct epoll_event.</summary>
    public static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static unsafe partial int Control(EpollHandle epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static unsafe partial int Wait(EpollHandle epoll, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary>Watches <paramref name="fd"/> for readable data (level-triggered), tagged with <paramref name="data"/>.</summary>
    public static unsafe bool TryAdd(EpollHandle epoll, int fd, ulong data)
    {
        var epollEvent = stackalloc byte[16];
        *(uint*)epollEvent = EpollIn;
        *(ulong*)(epollEvent + DataOffset) = data;
        return Control(epoll, ControlAdd, fd, epollEvent) == 0;
    }

    public static unsafe void Remove(EpollHandle epoll, int fd)
    {
        // Linux before 2.6.9 wanted a non-null event even for EPOLL_CTL_DEL.
        var ignored = stackalloc byte[16];
        Control(epoll, ControlDelete, fd, ignored);
    }
}
