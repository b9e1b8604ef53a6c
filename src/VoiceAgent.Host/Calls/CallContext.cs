using System.Threading.Channels;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Calls;

/// <summary>Everything a call's script acts on: the SIP call, its media stream, its speaker and the caller's signals.</summary>
internal sealed record CallContext(ISipCall Call, CallRecord Record, RtpStream Stream, CallSpeaker Speaker, ChannelReader<CallSignal> Signals)
{
    public CancellationToken Ended => Call.Ended;
}
