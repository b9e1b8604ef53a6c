using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Storage;
using VoiceAgent.Host.Tests.EndToEnd;
using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.Storage;

[Collection(EndToEndCollection.Name)]
public sealed class PostgresCallStoreTests
{
    [Fact]
    public async Task A_caller_chosen_nul_in_from_neither_loses_that_record_nor_holds_back_the_others()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var store = new PostgresCallStore(postgres.ConnectionString, NullLogger<PostgresCallStore>.Instance);
        await store.StartAsync(CancellationToken.None);

        // PostgreSQL text and jsonb refuse U+0000; the parser lets it through in a From display name.
        var hostile = new CallRecord("nul", "sip-nul", "\"a\0b\" <sip:a@127.0.0.2>;tag=1", "<sip:bot@127.0.0.1>", "inbound", DateTimeOffset.UtcNow);
        var plain = new CallRecord("plain", "sip-plain", "<sip:b@127.0.0.3>;tag=2", "<sip:bot@127.0.0.1>", "inbound", DateTimeOffset.UtcNow);
        hostile.AddEvent("dtmf", DateTimeOffset.UtcNow, "\0");
        store.Enqueue(hostile);
        store.Enqueue(plain);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? stored = null;
        while (DateTime.UtcNow < deadline && (stored = await store.FindAsync("nul", CancellationToken.None)) is null | await store.FindAsync("plain", CancellationToken.None) is null)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(stored);
        Assert.Contains("a\uFFFDb", stored, StringComparison.Ordinal);
        Assert.NotNull(await store.FindAsync("plain", CancellationToken.None));
        await store.StopAsync(CancellationToken.None);
    }
}
