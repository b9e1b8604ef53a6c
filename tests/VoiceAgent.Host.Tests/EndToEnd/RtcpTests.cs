using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>RTCP with a real peer: baresip and the host exchange reports; the host learns the round trip and baresip's view of our stream.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RtcpTests
{
    [Fact]
    public async Task Reports_flow_both_ways_and_the_round_trip_is_measured()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hello, this call measures its round trip time.");
        using var phone = new BaresipPhone();

        await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(12));

        var call = await host.WaitForCallAsync(c => c.State == "ended", TimeSpan.FromSeconds(5));
        var rtcp = call.Media!.Rtcp!;
        Assert.True(rtcp.ReportsSent >= 1, $"sent {rtcp.ReportsSent}");
        Assert.True(rtcp.ReportsReceived >= 1, $"received {rtcp.ReportsReceived}");
        Assert.NotNull(rtcp.RoundTripMs);
        Assert.InRange(rtcp.RoundTripMs!.Value, 0, 200); // loopback
        Assert.Equal(0, rtcp.RemoteCumulativeLost);
    }
}
