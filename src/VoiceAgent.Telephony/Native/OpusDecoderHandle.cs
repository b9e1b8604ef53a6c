using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Telephony.Native;

/// <summary>Owns an OpusDecoder*.</summary>
internal sealed class OpusDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpusDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    public OpusDecoderHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        OpusNative.DecoderDestroy(handle);
        return true;
    }
}
