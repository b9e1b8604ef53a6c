using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Sip;

/// <summary>Registers every trunk account that asks for it (Trunks:&lt;name&gt;:Register) once SIP is up, and unregisters them at shutdown.</summary>
internal sealed class RegistrationService(VoiceAgentSettings settings, SipService sip) : IHostedService
{
    private readonly List<(string Trunk, SipRegistration Registration)> _registrations = [];

    /// <summary>Each registering trunk's name and registration, in configuration order.</summary>
    public IReadOnlyList<(string Trunk, SipRegistration Registration)> Registrations => _registrations;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (sip.Agent is { } agent)
        {
            foreach (var trunk in settings.Outbound.Trunks.Values)
            {
                if (trunk.Registration is { } options)
                {
                    _registrations.Add((trunk.Name, agent.Register(options)));
                }
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
        => await Task.WhenAll(_registrations.Select(r => r.Registration.DisposeAsync().AsTask()));
}
