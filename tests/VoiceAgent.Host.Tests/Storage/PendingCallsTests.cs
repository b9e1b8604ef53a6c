using VoiceAgent.Host.Calls;
using VoiceAgent.Host.Storage;

namespace VoiceAgent.Host.Tests.Storage;

public sealed class PendingCallsTests
{
    [Fact]
    public void Changes_to_one_call_coalesce_into_one_entry_and_new_calls_past_the_bound_are_refused()
    {
        var pending = new PendingCalls(capacity: 2);
        var first = Call("a");
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(pending.TryAdd(first));
        }

        Assert.True(pending.TryAdd(Call("b")));
        Assert.False(pending.TryAdd(Call("c")));
        Assert.Equal(2, pending.Count);

        var taken = pending.TakeAll();
        Assert.Equal(2, taken.Count);
        Assert.Equal(0, pending.Count);

        // A failed write puts its calls back, even past the bound: they were admitted under it.
        Assert.True(pending.TryAdd(Call("c")));
        pending.Return(taken);
        Assert.Equal(3, pending.Count);
    }

    private static CallRecord Call(string id) => new(id, "sip-" + id, "a", "b", "inbound", DateTimeOffset.UtcNow);
}
