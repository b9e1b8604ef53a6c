using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Configuration;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Tests.Calls;

public sealed class CallRegistryTests
{
    [Fact]
    public async Task A_call_that_stays_up_does_not_stop_ended_calls_behind_it_from_being_pruned()
    {
        await using var store = new SqliteCallStore(new StorageSettings(Path.Combine(Path.GetTempPath(), "never-opened.db")), NullLogger<SqliteCallStore>.Instance);
        var registry = new CallRegistry(store);
        var start = DateTimeOffset.UtcNow.AddHours(-5);
        var longCall = new CallRecord("long", "sip-long", "a", "b", "inbound", start);
        registry.Add(longCall);
        longCall.MarkAnswered("PCMU", start);

        for (var i = 0; i < 3 * CallRegistry.MaxRetained; i++)
        {
            var call = new CallRecord($"c{i}", $"sip-{i}", "a", "b", "inbound", start.AddSeconds(i + 1));
            registry.Add(call);
            call.MarkEnded("remote-hangup", start.AddSeconds(i + 2));
        }

        Assert.InRange(registry.Count, CallRegistry.MaxRetained, CallRegistry.MaxRetained * 1.1 + 1);
        Assert.Same(longCall, registry.Find("long"));
        Assert.NotNull(registry.Find($"c{(3 * CallRegistry.MaxRetained) - 1}"));
        Assert.Null(registry.Find("c0"));
    }
}
