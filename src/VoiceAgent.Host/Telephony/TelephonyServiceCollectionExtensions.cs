using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Telephony;

/// <summary>Registers the SIP user agent, the media clock, RTP ports and the inbound call handler.</summary>
internal static class TelephonyServiceCollectionExtensions
{
    public static IServiceCollection AddVoiceAgentTelephony(this IServiceCollection services)
    {
        services.AddSingleton<MediaClock>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<VoiceAgentSettings>();
            return new RtpPortAllocator(settings.Sip.ListenAddress, settings.Rtp.PortMin, settings.Rtp.PortMax);
        });
        services.AddSingleton(sp => new SdpNegotiator(sp.GetRequiredService<VoiceAgentSettings>().Media.Codecs));
        services.AddSingleton<IIncomingCallHandler, InboundCallHandler>();
        services.AddHostedService<SipService>();
        return services;
    }
}
