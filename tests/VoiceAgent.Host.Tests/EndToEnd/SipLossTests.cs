using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Host.Tests.Infrastructure;
using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Sdp;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>Transactions under loss: our UAC loses 25% of its datagrams both ways; calls to the host still set up and tear down.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SipLossTests
{
    [Fact]
    public async Task Calls_set_up_and_end_although_a_quarter_of_the_datagrams_are_lost()
    {
        await using var host = await RunningHost.StartAsync("--Inbound:Greeting=Hi.", "--Sip:InvitesPerSecondPerSource=0");
        await using var transport = new LossySipTransport(UdpSipTransport.Bind(new IPEndPoint(IPAddress.Loopback, FreePorts.Udp()), NullLogger<UdpSipTransport>.Instance), loss: 0.25, seed: 4475);
        var agent = new SipUserAgent(transport, new SipUserAgentOptions("127.0.0.1", transport.LocalEndPoint.Port), new RejectingHandler(), TimeProvider.System, NullLogger<SipUserAgent>.Instance);
        using var stop = new CancellationTokenSource();
        var loop = agent.RunAsync(stop.Token);
        var offer = SdpOfferBuilder.Build([AudioCodecs.Pcmu], "127.0.0.1", 9, 1);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            await Task.Delay(i * 50);
            var call = agent.PlaceCall(new OutgoingCallRequest(host.Uri(), "lossy", offer, TimeSpan.FromSeconds(30)));
            var answered = await call.Answered;
            if (answered)
            {
                await call.HangupAsync(CancellationToken.None);
            }

            return answered;
        }));

        Assert.All(outcomes, Assert.True);
        Assert.True(transport.Dropped > 5, $"only {transport.Dropped} datagrams were dropped");
        var deadline = DateTime.UtcNow.AddSeconds(40);
        IReadOnlyList<VoiceAgent.Host.Calls.CallView> calls = [];
        while (DateTime.UtcNow < deadline)
        {
            calls = await host.GetCallsAsync();
            if (calls.Count == 10 && calls.All(c => c.State == "ended"))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(10, calls.Count);
        Assert.All(calls, c => Assert.Equal("remote-hangup", c.EndReason));
        await stop.CancelAsync();
        await loop;
    }

    private sealed class RejectingHandler : IIncomingCallHandler
    {
        public Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken) => call.RejectAsync(603, null, cancellationToken);
    }
}
