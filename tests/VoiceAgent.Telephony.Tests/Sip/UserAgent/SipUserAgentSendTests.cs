using System.Net;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>The dispatch loop never waits on one peer's socket: a send that never completes costs nobody else.</summary>
public sealed class SipUserAgentSendTests : InMemoryAgentTest
{
    private static readonly IPEndPoint Stuck = new(IPAddress.Parse("127.0.0.7"), 40000);
    private static readonly IPEndPoint Other = new(IPAddress.Parse("127.0.0.8"), 5062);

    private static string OptionsRequest(string callId, IPEndPoint via, string transport) =>
        $"OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{transport} {via};branch=z9hG4bK{callId};rport\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n" +
        $"To: <sip:bot@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    [Fact]
    public async Task Requests_from_others_are_answered_while_every_send_to_one_tcp_peer_hangs()
    {
        Transport.Stalled.Add(Stuck);
        for (var i = 0; i < 5; i++)
        {
            Transport.Inject(OptionsRequest($"stuck-{i}", Stuck, "TCP"), Stuck, SipTransportKind.Tcp);
        }

        Transport.Inject(OptionsRequest("other-1", Other, "UDP"), Other);

        var answer = await Transport.NextSentAsync<SipResponse>(r => r.CallId == "other-1", timeoutMs: 2000);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(Other, Transport.LastDestination);
    }
}
