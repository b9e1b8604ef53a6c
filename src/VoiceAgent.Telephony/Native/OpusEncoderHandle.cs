using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns an OpusEncoder*.</summary>
internal sealed class OpusEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    public OpusEncoderHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        OpusNative.EncoderDestroy(handle);
        return true;
    }
}
