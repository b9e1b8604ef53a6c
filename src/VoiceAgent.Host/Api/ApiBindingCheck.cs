using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Api;

/// <summary>
/// Without Api:Key the API may only be reachable from this machine. <see cref="ApiSettings.Load"/>
/// checks the configured addresses (Urls, Kestrel:Endpoints); this checks the addresses the server
/// actually bound once it has started, whatever configured them, and stops start-up otherwise.
/// </summary>
internal sealed class ApiBindingCheck(IServer server, ApiSettings settings) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (settings.Key is not null || server.Features.Get<IServerAddressesFeature>() is not { } bound)
        {
            return Task.CompletedTask;
        }

        foreach (var address in bound.Addresses)
        {
            if (!ApiSettings.IsLoopback(address))
            {
                throw new StartupException($"the HTTP API is bound to {address}, which is not loopback, and Api:Key is not set: set Api:Key or listen on 127.0.0.1.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
