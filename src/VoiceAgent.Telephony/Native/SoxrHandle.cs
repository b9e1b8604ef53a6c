using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns a soxr_t; deleted exactly once.</summary>
internal sealed class SoxrHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SoxrHandle()
        : base(ownsHandle: true)
    {
    }

    public SoxrHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        SoxrNative.Delete(handle);
        return true;
    }
}
