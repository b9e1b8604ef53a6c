using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns an epoll file descriptor.</summary>
internal sealed class EpollHandle : SafeHandleMinusOneIsInvalid
{
    public EpollHandle()
        : base(ownsHandle: true)
    {
    }

    public EpollHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>A new epoll set, or null where epoll is unavailable (not Linux).</summary>
    public static EpollHandle? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var fd = EpollNative.Create(EpollNative.CloseOnExec);
            return fd < 0 ? null : new EpollHandle(fd);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    protected override bool ReleaseHandle() => EpollNative.Close((int)handle) == 0;
}
