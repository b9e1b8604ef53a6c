using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using VoiceAgent.Host.Calls;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// The real VoiceAgent host, started in this process on loopback: SIP on a free UDP port, HTTP on
/// a free TCP port, RTP on its own port block. Returns once <c>/healthz</c> says ready.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private RunningHost(WebApplication app, int sipPort, Uri httpBase, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        SipPort = sipPort;
        Http = new HttpClient { BaseAddress = httpBase, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SipPort { get; }

    public HttpClient Http { get; }

    public IPEndPoint SipEndPoint => new(IPAddress.Loopback, SipPort);

    public string Uri(string user = "bot") => $"sip:{user}@127.0.0.1:{SipPort}";

    public static async Task<RunningHost> StartAsync(params string[] extraArgs)
    {
        var sipPort = FreePorts.Udp();
        var rtp = FreePorts.UdpRange(40);
        var data = Directory.CreateTempSubdirectory("voiceagent-host-").FullName;
        string[] args =
        [
            $"--Storage:Sqlite:Path={Path.Combine(data, "calls.db")}",
            "--Sip:ListenAddress=127.0.0.1",
            $"--Sip:Port={sipPort}",
            $"--Rtp:PortMin={rtp.Min}",
            $"--Rtp:PortMax={rtp.Max}",
            "--urls=http://127.0.0.1:0",
            .. extraArgs,
        ];
        var app = VoiceAgentApp.Build(args);
        await app.StartAsync();
        var host = new RunningHost(app, sipPort, new Uri(app.Urls.First()), data);
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync("/healthz");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The host did not report ready on /healthz.");
    }

    public async Task<IReadOnlyList<CallView>> GetCallsAsync()
        => await Http.GetFromJsonAsync<List<CallView>>("/v1/calls") ?? [];

    /// <summary>Polls the API until the newest call satisfies <paramref name="condition"/>.</summary>
    public async Task<CallView> WaitForCallAsync(Func<CallView, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        CallView? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var calls = await GetCallsAsync();
            last = calls.LastOrDefault();
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No call reached the expected state; last seen: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
