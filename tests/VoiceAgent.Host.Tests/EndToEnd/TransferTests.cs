using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Blind transfer (REFER, RFC 3515): the caller's baresip is sent to a second baresip.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TransferTests
{
    [Fact]
    public async Task A_transfer_verb_hands_the_caller_to_another_phone_and_the_host_leaves_the_call()
    {
        await using var callee = await BaresipCallee.StartAsync();
        await using var app = await TestApplicationServer.StartAsync(evt => (string?)evt["event"] switch
        {
            "call.incoming" => $$"""[{"verb": "say", "text": "Transferring you now."}, {"verb": "transfer", "to": "{{callee.Uri}}"}]""",
            _ => "[]",
        });
        await using var host = await RunningHost.StartAsync($"--Inbound:WebhookUrl={app.Url}", $"--Inbound:WebhookSecret={TestApplicationServer.Secret}");
        using var caller = new BaresipPhone();

        var calling = caller.CallAsync(host.Uri(), TimeSpan.FromSeconds(12));
        await callee.Answered.WaitAsync(TimeSpan.FromSeconds(15)); // the caller's phone called the target itself

        var done = await app.WaitForEventAsync("transfer.done", TimeSpan.FromSeconds(10));
        Assert.Equal(200, (int?)done["sipCode"]);
        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(10));
        Assert.Equal("local-hangup", call.EndReason);
        Assert.Contains(call.Events, e => e.Name == "transfer" && e.Detail!.EndsWith(": 200", StringComparison.Ordinal));
        await calling;
    }
}
