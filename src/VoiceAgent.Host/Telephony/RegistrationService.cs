using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Telephony;

/// <summary>Registers the trunk account (Outbound:Register) once SIP is up, and unregisters at shutdown.</summary>
internal sealed class RegistrationService(VoiceAgentSettings settings, SipService sip) : IHostedService
{
    private SipRegistration? _registration;

    /// <summary>The account's registration, or null when none is configured.</summary>
    public SipRegistration? Registration => _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Outbound.Register is { } options && sip.Agent is { } agent)
        {
            _registration = agent.Register(options);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_registration is not null)
        {
            await _registration.DisposeAsync();
        }
    }
}
