using VoiceAgent.Host.Configuration;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Host.Calls;

/// <summary>What a <see cref="CallMedia"/> uses from the host, handed over by its factory.</summary>
internal sealed record CallMediaServices(
    VoiceAgentSettings Settings,
    SdpNegotiator Negotiator,
    MediaClock Clock,
    SpeechPipeline Pipeline,
    RtpReceiver? Receiver,
    TimeProvider Time,
    ILogger Logger);
