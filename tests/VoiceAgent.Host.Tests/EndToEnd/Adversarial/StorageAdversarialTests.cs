using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd.Adversarial;

/// <summary>
/// Call state and its storage under attack and failure, against the real host over loopback: an
/// INFO flood inside one call, a call nobody ends, a disk that fills up under the record store, a
/// storage directory that cannot be created.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StorageAdversarialTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Two_thousand_infos_in_one_call_are_rate_limited_and_the_record_keeps_a_bounded_summary()
    {
        var data = Directory.CreateTempSubdirectory("voiceagent-infos-");
        var database = Path.Combine(data.FullName, "calls.db");
        try
        {
            await using var host = await RunningHost.StartAsync($"--Storage:Sqlite:Path={database}", "--Inbound:Greeting=Hi.");
            using var caller = new RawSipCaller(host.SipEndPoint);
            Assert.Equal(200, await caller.CallAsync("bot", Step));
            var call = await host.WaitForCallAsync(c => c.State == "answered", Step);

            // Paced over >= 5 s, so the dialog's bucket refills (20/s after a burst of 40) past the record's event cap.
            var (accepted, refused) = (0, 0);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 2000; i++)
            {
                var status = await caller.InfoDigitAsync("0123456789"[i % 10], Step);
                Assert.True(status is 200 or 503, $"INFO {i} got {status}");
                (accepted, refused) = status == 200 ? (accepted + 1, refused) : (accepted, refused + 1);
                var due = TimeSpan.FromMilliseconds(i * 2.6);
                if (clock.Elapsed < due)
                {
                    await Task.Delay(due - clock.Elapsed);
                }
            }

            var allowed = 40 + (20 * clock.Elapsed.TotalSeconds) + 5;
            Assert.True(accepted <= allowed, $"{accepted} INFOs accepted in {clock.Elapsed.TotalSeconds:F1} s; the bucket allows {allowed:F0}");
            Assert.True(accepted > CallRecord.MaxEvents, $"only {accepted} accepted: the pacing never reached the event cap");
            Assert.Equal(2000 - accepted, refused);

            // Every accepted key is either kept as an event or counted in the summary; nothing grows past the caps.
            var view = await WaitForViewAsync(host, call.Id, v => v.Events.Count(e => e.Name == "dtmf") + (v.Omitted?.Events.GetValueOrDefault("dtmf") ?? 0) == accepted);
            Assert.Equal(CallRecord.MaxEvents, view.Events.Count);
            Assert.True(view.Utterances.Count <= CallRecord.MaxUtterances);
            Assert.NotNull(view.Omitted);
            Assert.True(view.Omitted!.Events["dtmf"] > 0);
            var json = await host.Http.GetStringAsync($"/v1/calls/{call.Id}");
            Assert.True(json.Length < 128 * 1024, $"the record is {json.Length} bytes");

            Assert.Equal(200, await caller.SendAsync("BYE", Step));

            // What the store rewrites on every change is as bounded as what the API shows.
            await WaitForRowAsync(database, call.Id, "ended");
            var stored = ReadViewLength(database, call.Id);
            output.WriteLine($"{accepted} INFOs accepted, {refused} refused in {clock.Elapsed.TotalSeconds:F1} s; record {json.Length} bytes live, {stored} stored; {view.Events.Count} events, {view.Utterances.Count} utterances, omitted {System.Text.Json.JsonSerializer.Serialize(view.Omitted)}");
            Assert.InRange(stored, 1, 128 * 1024);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_call_past_max_call_duration_is_hung_up_with_its_own_end_reason()
    {
        await using var host = await RunningHost.StartAsync("--Sip:MaxCallDurationSeconds=3", "--Inbound:Greeting=Hi.");
        using var caller = new RawSipCaller(host.SipEndPoint);
        var clock = Stopwatch.StartNew();
        Assert.Equal(200, await caller.CallAsync("bot", Step));

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var bye = await caller.HostRequests.Reader.ReadAsync(wait.Token);

        Assert.StartsWith("BYE ", bye, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 8);
        var ended = await host.WaitForCallAsync(c => c.State == "ended", Step);
        Assert.Equal(LiveCalls.MaxDurationReason, ended.EndReason);
    }

    [Fact]
    public async Task A_full_disk_delays_records_and_loses_nothing_once_it_recovers()
    {
        RequiredTool.Find("mount", "mount");
        var mountPoint = Directory.CreateTempSubdirectory("voiceagent-tmpfs-").FullName;
        await RunAsync("mount", $"-t tmpfs -o size=1m tmpfs {mountPoint}");
        var outages = new MeasuredCounter("voiceagent.storage.outages");
        var failures = new MeasuredCounter("voiceagent.storage.write_failures");
        try
        {
            var database = Path.Combine(mountPoint, "calls.db");
            await using var host = await RunningHost.StartAsync($"--Storage:Sqlite:Path={database}", "--Inbound:Greeting=Hi.");
            using var first = new RawSipCaller(host.SipEndPoint);
            Assert.Equal(200, await first.CallAsync("bot", Step));
            var answered = await host.WaitForCallAsync(c => c.State == "answered", Step);
            await WaitForRowAsync(database, answered.Id, "answered");

            var filler = Path.Combine(mountPoint, "filler");
            FillDisk(filler);

            // During the outage: the first call ends, a second call comes and goes.
            Assert.Equal(200, await first.SendAsync("BYE", Step));
            using var second = new RawSipCaller(host.SipEndPoint);
            Assert.Equal(200, await second.CallAsync("bot", Step));
            Assert.Equal(200, await second.SendAsync("BYE", Step));
            await WaitUntilAsync(() => failures.Value >= 2, "no failed write was counted");
            Assert.Equal("answered", ReadState(database, answered.Id));
            Assert.Equal(1, CountRows(database));
            Assert.Equal(1, outages.Value);

            File.Delete(filler);

            await WaitForRowAsync(database, answered.Id, "ended");
            await WaitUntilAsync(() => CountRows(database) == 2, "the call made during the outage was never stored");
            var calls = await host.GetCallsAsync();
            Assert.Equal(2, calls.Count);
            Assert.All(calls, c => Assert.Equal("remote-hangup", c.EndReason));
            Assert.Equal(1, outages.Value);
        }
        finally
        {
            outages.Dispose();
            failures.Dispose();
            await RunAsync("umount", $"-l {mountPoint}");
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    [Fact]
    public async Task A_postgresql_outage_delays_records_and_loses_nothing_once_the_server_is_back()
    {
        await using var postgres = await PostgresServer.StartAsync();
        using var failures = new MeasuredCounter("voiceagent.storage.write_failures");
        await using var host = await RunningHost.StartAsync($"--Storage:Postgres:ConnectionString={postgres.ConnectionString}", "--Inbound:Greeting=Hi.");
        using var first = new RawSipCaller(host.SipEndPoint);
        Assert.Equal(200, await first.CallAsync("bot", Step));
        var answered = await host.WaitForCallAsync(c => c.State == "answered", Step);

        await postgres.StopAsync();
        Assert.Equal(200, await first.SendAsync("BYE", Step));
        using var second = new RawSipCaller(host.SipEndPoint);
        Assert.Equal(200, await second.CallAsync("bot", Step));
        Assert.Equal(200, await second.SendAsync("BYE", Step));
        await WaitUntilAsync(() => failures.Value >= 2, "no failed write was counted");

        await postgres.ResumeAsync();

        await WaitUntilAsync(async () => await host.GetCallsAsync() is { Count: 2 } calls && calls.All(c => c.State == "ended"), "the calls of the outage were never stored");
        var stored = await host.GetCallsAsync();
        Assert.Contains(stored, c => c.Id == answered.Id && c.EndReason == "remote-hangup");
    }

    [Fact]
    public async Task A_storage_directory_that_cannot_be_created_stops_start_up_with_one_line_and_exit_code_2()
    {
        var file = Path.GetTempFileName(); // a file where the path needs a directory
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var arg in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Host.dll"), "--Sip:ListenAddress=127.0.0.1", $"--Sip:Port={FreePorts.Udp()}",
                $"--urls=http://127.0.0.1:{FreePorts.Tcp()}", $"--Storage:Sqlite:Path={Path.Combine(file, "records", "calls.db")}",
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(2, process.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("VoiceAgent: configuration error: Storage:Sqlite:Path", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<CallView> WaitForViewAsync(RunningHost host, string id, Func<CallView, bool> condition)
    {
        CallView? view = null;
        await WaitUntilAsync(async () => (view = await host.Http.GetFromJsonAsync<CallView>($"/v1/calls/{id}")) is { } v && condition(v), $"call {id} never reached the expected record");
        return view!;
    }

    private static async Task WaitForRowAsync(string database, string id, string state)
        => await WaitUntilAsync(() => ReadState(database, id) == state, $"call {id} never stored as {state}; stored: {ReadState(database, id) ?? "nothing"}");

    private static string? ReadState(string database, string id)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM calls WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    private static long ReadViewLength(string database, string id)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(view) FROM calls WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }

    private static long CountRows(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM calls";
        return (long)command.ExecuteScalar()!;
    }

    private static void FillDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
        var block = new byte[4096];
        try
        {
            for (var i = 0; i < 1024; i++)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: the file system is full.
        }

        Assert.True(new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace < 4096, "the tmpfs did not fill up");
    }

    private static Task WaitUntilAsync(Func<bool> condition, string failure)
        => WaitUntilAsync(() => Task.FromResult(condition()), failure);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail(failure);
    }

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} {arguments}: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Sums one counter of the host's meter while it lives (the end-to-end tests run one at a time).</summary>
    private sealed class MeasuredCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public MeasuredCounter(string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == HostMetrics.MeterName && instrument.Name == name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _value, value));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}
