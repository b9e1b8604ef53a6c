using System.Net;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Sip;

/// <summary>Binds the SIP port (UDP, and TCP unless Sip:Tcp is false) at start-up (a busy port stops start-up, naming it) and runs the user agent until shutdown.</summary>
internal sealed class SipService(
    VoiceAgentSettings settings,
    IIncomingCallHandler handler,
    ReadinessState readiness,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private SipTransportSet? _transport;
    private Task? _loop;
    private int _disposed;

    /// <summary>The running user agent (null before start-up), for placing outgoing calls.</summary>
    public SipUserAgent? Agent { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(settings.Sip.ListenAddress, settings.Sip.Port);
        try
        {
            _transport = SipTransportSet.Bind(endPoint, loggers, settings.Sip.Tcp);
        }
        catch (SipTransportException ex)
        {
            throw new StartupException(ex.Message, ex);
        }

        var admission = settings.Sip.Admission;
        var options = new SipUserAgentOptions(settings.Sip.PublicAddress, _transport.LocalEndPoint.Port)
        {
            MaxConcurrentCalls = settings.Sip.MaxConcurrentCalls,
            InvitesPerSecondPerSource = settings.Sip.InvitesPerSecondPerSource,
            InboundFrom = admission.InboundFrom,
            TrustedSources = admission.TrustedSources,
            TrunkProxies = [.. settings.Outbound.Trunks.Values.Select(t => t.Proxy)],
            MaxCallsPerSource = admission.MaxCallsPerSource,
            RequestsPerSecondPerSource = admission.RequestsPerSecondPerSource,
        };
        var agent = new SipUserAgent(_transport, options, handler, time, loggers.CreateLogger<SipUserAgent>());
        Agent = agent;
        _loop = agent.RunAsync(_stopping.Token);
        readiness.MarkSipReady();
        var logger = loggers.CreateLogger<SipService>();
        HostLog.SipListening(logger, _transport.LocalEndPoint.ToString(), _transport.Tcp is null ? "UDP" : "UDP and TCP", settings.Sip.PublicAddress);
        var trusted = string.Join(", ", admission.TrustedSources.Select(n => n.ToString()).Concat(options.TrunkProxies.Select(t => t.Host)));
        HostLog.SipAdmission(logger, admission.InboundFrom == InboundPolicy.Any ? "any address" : trusted.Length == 0 ? "trunks only" : trusted, admission.InboundFrom.ToString().ToLowerInvariant(), admission.MaxCallsPerSource);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as the hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
