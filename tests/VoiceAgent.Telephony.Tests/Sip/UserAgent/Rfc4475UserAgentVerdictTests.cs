using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>
/// The RFC 4475 messages whose verdict is the UAS's (§3.1.2, §3.3), fed byte for byte to the user
/// agent: the status it answers, sent to the packet's source (never to the 192.0.2.x a Via names;
/// the transport here is in memory, so nothing can leave the machine).
/// </summary>
public sealed class Rfc4475UserAgentVerdictTests : InMemoryAgentTest
{
    private static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475", name + ".dat"));

    [Theory]
    [InlineData("sdp01", 406)] // §3.3.15: Accept lists only text/nobodyKnowsThis
    [InlineData("unkscm", 416)] // §3.3.2
    [InlineData("novelsc", 416)] // §3.3.3
    [InlineData("bext01", 420)] // §3.3.5
    [InlineData("invut", 415)] // §3.3.6
    [InlineData("esc02", 501)] // §3.1.1.5: RE%47IST%45R is an unknown method
    [InlineData("mismatch01", 400)] // §3.1.2.17
    [InlineData("badvers", 505)] // §3.1.2.16
    public async Task The_user_agent_answers_the_rfc_verdict_to_the_packet_source(string name, int status)
    {
        Transport.Inject(Load(name));

        var response = await Transport.NextSentAsync<SipResponse>(r => r.StatusCode >= 200);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(InMemorySipTransport.Peer, Transport.LastDestination);
    }
}
