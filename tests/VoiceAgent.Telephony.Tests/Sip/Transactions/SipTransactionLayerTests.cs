using System.Net;
using VoiceAgent.Telephony.Sip.Dialogs;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transactions;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Tests.Sip.UserAgent;
using static VoiceAgent.Telephony.Tests.Sip.Transactions.TransactionTestMessages;

namespace VoiceAgent.Telephony.Tests.Sip.Transactions;

/// <summary>The transaction layer on its own (RFC 3261 §17), without a user agent around it.</summary>
public sealed class SipTransactionLayerTests
{
    private static readonly SipHop Peer = new(InMemorySipTransport.Peer, SipTransportKind.Udp);

    [Fact]
    public void A_retransmitted_request_gets_the_same_stateless_tag_and_another_request_another()
    {
        var layer = new SipTransactionLayer(new TransportSender(new InMemorySipTransport()), new SipTimerOptions(), TimeProvider.System);

        Assert.Equal(layer.StatelessTag(Request("OPTIONS")), layer.StatelessTag(Request("OPTIONS")));
        Assert.NotEqual(layer.StatelessTag(Request("OPTIONS")), layer.StatelessTag(Request("OPTIONS", branch: "z9hG4bKother")));
    }

    [Fact]
    public async Task A_retransmitted_request_is_absorbed_by_its_server_transaction_and_answered_again()
    {
        await using var transport = new InMemorySipTransport();
        var layer = new SipTransactionLayer(new TransportSender(transport), new SipTimerOptions(), TimeProvider.System);
        var bye = Request("BYE");
        var key = TransactionKey.ForRequest(bye)!;
        Assert.False(layer.AbsorbRetransmission(key));

        var transaction = layer.CreateNonInviteServer(key, Peer);
        await transaction.SendResponseAsync(Response(bye, 200));
        await transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);

        Assert.True(layer.AbsorbRetransmission(key));
        var again = await transport.NextSentAsync<SipResponse>(r => r.StatusCode == 200);
        Assert.Equal(InMemorySipTransport.Peer, transport.LastDestination);
        Assert.Equal(bye.CallId, again.CallId);
    }

    [Fact]
    public async Task A_response_reaches_the_client_transaction_of_its_branch_and_method_only()
    {
        await using var transport = new InMemorySipTransport();
        var layer = new SipTransactionLayer(new TransportSender(transport), new SipTimerOptions(), TimeProvider.System);
        var register = Request("REGISTER", branch: "z9hG4bKreg");
        var pending = layer.SendRequestAsync(register, "z9hG4bKreg", Peer, CancellationToken.None);
        await transport.NextSentAsync<SipRequest>(r => r.Method == "REGISTER");

        layer.OnResponse(Response(Request("OPTIONS", branch: "z9hG4bKreg"), 200), _ => false); // same branch, other method
        layer.OnResponse(Response(Request("REGISTER", branch: "z9hG4bKelse"), 200), _ => false); // same method, other branch
        Assert.False(pending.IsCompleted);

        layer.OnResponse(Response(register, 200), _ => false);
        var final = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(200, final!.StatusCode);
    }

    [Fact]
    public void Our_via_and_contact_bracket_an_ipv6_address_and_name_the_transport()
    {
        var local = new SipLocalAddress("::1", 5070);

        Assert.Equal("SIP/2.0/TCP [::1]:5070;branch=z9hG4bKx;rport", local.ViaFor(SipTransportKind.Tcp, "z9hG4bKx"));
        Assert.Equal("<sip:voiceagent@[::1]:5070;transport=udp>", local.OwnContact(SipTransportKind.Udp));
        Assert.Equal("127.0.0.1", new SipLocalAddress("127.0.0.1", 5060).Host);
    }
}
