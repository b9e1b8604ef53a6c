using System.Net;
using System.Net.Http.Json;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Call records are durable: they survive a restart and a crash (SIGKILL) of the host process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CallRecordTests
{
    [Fact]
    public async Task Completed_calls_survive_a_kill_9_and_the_call_live_at_the_crash_is_marked()
    {
        var data = Directory.CreateTempSubdirectory("voiceagent-records-");
        await SurviveKillAsync(Path.Combine(data.FullName, "calls.db"));
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task Records_in_postgresql_survive_a_kill_9_the_same_way()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await SurviveKillAsync(postgres.ConnectionString);
    }

    private static async Task SurviveKillAsync(string database)
    {
        CallView completed;
        await using (var first = await HostProcess.StartAsync(database, "--Inbound:Greeting=Hello there."))
        {
            using (var phone = new BaresipPhone())
            {
                await phone.CallAsync(first.Uri(), TimeSpan.FromSeconds(3), [(TimeSpan.FromSeconds(1.5), '7')]);
            }

            completed = await first.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(10));

            // A second call is live when the host dies.
            using var livePhone = new BaresipPhone();
            using var stopPhone = new CancellationTokenSource();
            var live = livePhone.CallAsync(first.Uri(), TimeSpan.FromSeconds(8), cancellationToken: stopPhone.Token);
            await first.WaitForCallAsync(c => c.Id != completed.Id && c.State == "answered", TimeSpan.FromSeconds(10));
            await Task.Delay(300);
            await first.KillAsync();

            // baresip keeps a call whose peer died until it is stopped.
            stopPhone.Cancel();
            await Assert.ThrowsAsync<TimeoutException>(() => live);
        }

        await using var second = await HostProcess.StartAsync(database);
        var calls = await second.GetCallsAsync();

        Assert.Equal(2, calls.Count);
        var kept = calls.Single(c => c.Id == completed.Id);
        Assert.Equal("ended", kept.State);
        Assert.Equal("remote-hangup", kept.EndReason);
        Assert.Equal("PCMU", kept.Codec);
        Assert.Equal(completed.Utterances.Select(u => (u.Text, u.Outcome)), kept.Utterances.Select(u => (u.Text, u.Outcome)));
        Assert.Equal(completed.Utterances[0].Timeline.FirstRtpPacketMs, kept.Utterances[0].Timeline.FirstRtpPacketMs);
        Assert.Contains(kept.Events, e => e.Name == "dtmf" && e.Detail == "7");
        var crashed = calls.Single(c => c.Id != completed.Id);
        Assert.Equal("ended", crashed.State);
        Assert.Equal("host-restarted", crashed.EndReason);
        Assert.Contains("marked host-restarted", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_call_list_filters_and_pages_and_names_a_bad_field()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hi.");
        using (var phone = new BaresipPhone())
        {
            await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(2));
            await phone.CallAsync(host.Uri("sales"), TimeSpan.FromSeconds(2));
        }

        await host.WaitForCallAsync(c => c.To.Contains("sales", StringComparison.Ordinal) && c.State == "ended", TimeSpan.FromSeconds(10));

        var sales = await host.Http.GetFromJsonAsync<List<CallView>>("/v1/calls?number=sales&direction=inbound");
        Assert.Single(sales!);
        using var page = await host.Http.GetAsync("/v1/calls?limit=1");
        Assert.Equal("2", page.Headers.GetValues("X-Total-Count").Single());
        Assert.Single((await page.Content.ReadFromJsonAsync<List<CallView>>())!);
        var oldest = await host.Http.GetFromJsonAsync<List<CallView>>("/v1/calls?limit=1&offset=1");
        Assert.DoesNotContain("sales", oldest!.Single().To, StringComparison.Ordinal);
        Assert.Empty((await host.Http.GetFromJsonAsync<List<CallView>>("/v1/calls?outcome=local-hangup"))!);
        Assert.Empty((await host.Http.GetFromJsonAsync<List<CallView>>($"/v1/calls?since={DateTime.UtcNow.AddMinutes(1):O}"))!);

        using var bad = await host.Http.GetAsync("/v1/calls?limit=zero&direction=sideways");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("\"limit\"", problem, StringComparison.Ordinal);
        Assert.Contains("\"direction\"", problem, StringComparison.Ordinal);
    }
}
