using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns a spandsp g722_decode_state_t allocated by g722_decode_init.</summary>
internal sealed class G722DecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public G722DecoderHandle()
        : base(ownsHandle: true)
    {
    }

    public G722DecoderHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        SpandspG722Native.DecodeFree(handle);
        return true;
    }
}
