using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns a spandsp g722_encode_state_t allocated by g722_encode_init.</summary>
internal sealed class G722EncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public G722EncoderHandle()
        : base(ownsHandle: true)
    {
    }

    public G722EncoderHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        SpandspG722Native.EncodeFree(handle);
        return true;
    }
}
