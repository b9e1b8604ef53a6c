using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Media;
using VoiceAgent.Telephony.Rtp;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Sip;

/// <summary>Registers the SIP user agent, the media clock, RTP ports and receiver, the call media factory, the inbound call handler and outbound calls.</summary>
internal static class SipServiceCollectionExtensions
{
    public static IServiceCollection AddVoiceAgentTelephony(this IServiceCollection services)
    {
        services.AddSingleton(sp => new MediaClock(
            loops: 1, sp.GetRequiredService<VoiceAgentSettings>().Media.ClockRealTimePriority, sp.GetRequiredService<ILogger<MediaClock>>()));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<VoiceAgentSettings>();
            return new RtpPortAllocator(settings.Sip.ListenAddress, settings.Rtp.PortMin, settings.Rtp.PortMax);
        });
        services.AddSingleton(sp => new SdpNegotiator(sp.GetRequiredService<VoiceAgentSettings>().Media.Codecs));
        services.AddSingleton<RtpReception>(); // one RTP receive thread per host, stopped with it
        services.AddSingleton<CallMediaFactory>();
        services.AddSingleton<IIncomingCallHandler, InboundCallHandler>();
        services.AddSingleton<LiveCalls>();
        services.AddSingleton<SipService>();
        services.AddHostedService(sp => sp.GetRequiredService<SipService>());
        services.AddSingleton<RegistrationService>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistrationService>());
        services.AddSingleton<OutboundCallService>();
        return services;
    }
}
