using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

[Collection(EndToEndCollection.Name)]
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Sip:Port=99999", "Sip:Port")]
    [InlineData("--Sip:Port=abc", "Sip:Port")]
    [InlineData("--Sip:ListenAddress=not-an-ip", "Sip:ListenAddress")]
    [InlineData("--Inbound:WebhookUrl=ftp://example.com/app", "Inbound:WebhookUrl")]
    [InlineData("--Inbound:WebhookUrl=http://127.0.0.1:9/app", "Inbound:WebhookSecret")]
    [InlineData("--Inbound:WebhookRetries=50", "Inbound:WebhookRetries")]
    [InlineData("--Inbound:Numbers:sales=not-a-url", "Inbound:Numbers:sales")]
    [InlineData("--Storage:Postgres:ConnectionString=Host=x;Bogus Key=1", "Storage:Postgres:ConnectionString")]
    [InlineData("--Outbound:Proxy=sips:proxy.example", "Outbound:Proxy")]
    [InlineData("--Trunks:acme:Proxy=127.0.0.1;transport=sctp", "Trunks:acme:Proxy")]
    [InlineData("--Trunks:acme:Username=alice", "Trunks:acme:Password")]
    [InlineData("--Trunks:acme:CallerId=x y", "Trunks:acme:Proxy")]
    [InlineData("--Outbound:DefaultTrunk=nope", "Outbound:DefaultTrunk")]
    [InlineData("--Outbound:EarlyMedia=maybe", "Outbound:EarlyMedia")]
    [InlineData("--Sip:TcpIdleTimeoutSeconds=1", "Sip:TcpIdleTimeoutSeconds")]
    [InlineData("--Sip:TcpSendTimeoutSeconds=0", "Sip:TcpSendTimeoutSeconds")]
    [InlineData("--Sip:TcpMessageTimeoutSeconds=abc", "Sip:TcpMessageTimeoutSeconds")]
    [InlineData("--Sip:MaxTcpConnectionsPerAddress=0", "Sip:MaxTcpConnectionsPerAddress")]
    [InlineData("--Sip:MaxCallDurationSeconds=-1", "Sip:MaxCallDurationSeconds")]
    [InlineData("--Outbound:Username=alice", "Outbound:Password")]
    [InlineData("--Rtp:PortMin=30000", "Rtp:PortMax")]
    [InlineData("--Tts:Engine=nope", "Tts:Engine")]
    [InlineData("--Tts:Speed=9", "Tts:Speed")]
    [InlineData("--Sip:InboundFrom=everyone", "Sip:InboundFrom")]
    [InlineData("--Sip:TrustedSources=10.0.0.0/99", "Sip:TrustedSources")]
    [InlineData("--Sip:MaxCallsPerSource=-1", "Sip:MaxCallsPerSource")]
    [InlineData("--Sip:RequestsPerSecondPerSource=fast", "Sip:RequestsPerSecondPerSource")]
    public void Invalid_values_stop_start_up_with_a_message_naming_the_key(string argument, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => VoiceAgentApp.Build([argument]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sip_port_in_use_is_reported_with_the_address_and_port()
    {
        using var blocker = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var app = VoiceAgentApp.Build(["--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={port}", "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<StartupException>(() => app.StartAsync());

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_voice_stops_start_up_naming_the_key()
    {
        var app = VoiceAgentApp.Build(["--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", "--urls=http://127.0.0.1:0", "--Tts:Voice=xx-nonexistent"]);

        var error = await Assert.ThrowsAsync<StartupException>(() => app.StartAsync());

        Assert.Contains("Tts:Voice", error.Message, StringComparison.Ordinal);
        Assert.Contains("xx-nonexistent", error.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Environment_and_command_line_override_the_json_defaults()
    {
        Environment.SetEnvironmentVariable("VOICEAGENT_Tts__Voice", "en-gb");
        try
        {
            var app = VoiceAgentApp.Build(["--Inbound:Goodbye=See you."]);
            var settings = (VoiceAgentSettings)app.Services.GetService(typeof(VoiceAgentSettings))!;

            Assert.Equal("en-gb", settings.Tts.Voice);
            Assert.Equal("See you.", settings.Inbound.Goodbye);
            Assert.Equal(5060, settings.Sip.Port);
            await app.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("VOICEAGENT_Tts__Voice", null);
        }
    }

    [Fact]
    public async Task Health_reports_ready_once_sip_and_tts_are_up()
    {
        await using var host = await RunningHost.StartAsync();

        var body = await host.Http.GetStringAsync("/healthz");

        Assert.Contains("\"status\":\"ready\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relative_paths_are_resolved_against_the_directory_the_host_was_started_from()
    {
        var user = Directory.CreateTempSubdirectory("voiceagent-cwd-").FullName;
        try
        {
            // A relative model pack path as a user types it from their own directory, and a relative record store.
            var pack = Path.GetRelativePath(user, Path.Combine(AppContext.BaseDirectory, "fixtures", "models", "piper"));
            await using var host = await HostProcess.StartInAsync(user, Path.Combine("records", "calls.db"), "--Tts:Engine=piper", $"--Tts:ModelPath={pack}");

            Assert.True(File.Exists(Path.Combine(user, "records", "calls.db")), $"no call records under {user}:\n{host.Output}");
            Assert.Contains("piper", await host.Http.GetStringAsync("/v1/voices"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(user, recursive: true);
        }
    }

    [Fact]
    public void A_relative_path_is_made_absolute_against_the_reader_base_directory()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = "data/x.db" }).Build();

        var reader = new ConfigurationReader(configuration, "/srv/voice");

        Assert.Equal("/srv/voice/data/x.db", reader.ReadPath("Storage:Sqlite:Path", "data/voiceagent.db"));
        Assert.Equal("/srv/voice/audio", reader.ReadPath("Inbound:AudioDirectory", "audio"));
        Assert.Equal(string.Empty, reader.ReadPath("Tts:ModelPath", string.Empty, mustExist: true));
        var missing = Assert.Throws<ConfigurationException>(() => reader.ReadPath("Storage:Sqlite:Path", "x", mustExist: true));
        Assert.Contains("/srv/voice/data/x.db", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Sip:Port=99999", "Sip:Port")]
    [InlineData("--Tts:Voice=xx-nonexistent", "Tts:Voice")]
    [InlineData("--Tts:Engine=piper|--Tts:ModelPath=no/such/pack", "Tts:ModelPath")]
    public async Task A_start_up_error_prints_exactly_one_line_and_exits_with_code_2(string arguments, string key)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Host.dll"), "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}", "--urls=http://127.0.0.1:0" }
            .Concat(arguments.Split('|')))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single(lines);
        Assert.StartsWith("VoiceAgent: ", line, StringComparison.Ordinal);
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await output, StringComparison.Ordinal);
    }
}
