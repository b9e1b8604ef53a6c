using VoiceAgent.Telephony.Sip.Authentication;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Transport;
using VoiceAgent.Telephony.Sip.UserAgent;

namespace VoiceAgent.Telephony.Tests.Sip.UserAgent;

/// <summary>A trunk's credentials answer only its own realm, and only for requests that go to the trunk.</summary>
public sealed class TrunkRealmTests : InMemoryAgentTest
{
    private static readonly SipNextHop Trunk = new("127.0.0.1", 5094, SipTransportKind.Udp);

    private OutgoingCall Place(DigestCredentials credentials, SipNextHop? nextHop)
        => Agent.PlaceCall(new OutgoingCallRequest("sip:bob@127.0.0.1:5094", "clinic", Sdp, TimeSpan.FromSeconds(5), NextHop: nextHop, Credentials: credentials));

    private static string Challenge(string realm) => $"Proxy-Authenticate: Digest realm=\"{realm}\", nonce=\"n0nce\", qop=\"auth\"\r\n";

    [Fact]
    public async Task A_challenge_for_another_realm_than_the_configured_one_is_not_answered()
    {
        var call = Place(new DigestCredentials("trunkuser", "trunkpass") { Realm = DigestRealm.Fixed("trunk.example") }, Trunk);
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 407, "Proxy Authentication Required", extra: Challenge("evil.example")));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(407, call.StatusCode);
        Assert.False(await Transport.SendsAsync<SipRequest>(r => r.Headers.Get("Proxy-Authorization") is not null, withinMs: 300));
    }

    [Fact]
    public async Task Without_a_configured_realm_the_first_one_is_pinned_and_a_later_other_realm_is_refused()
    {
        var credentials = new DigestCredentials("trunkuser", "trunkpass");
        var first = Place(credentials, Trunk);
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 407, "Proxy Authentication Required", extra: Challenge("trunk.example")));
        await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE" && r.Headers.Get("Proxy-Authorization") is not null);
        Assert.Equal("trunk.example", credentials.Realm.Value);

        var second = Place(credentials, Trunk);
        var invite2 = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE" && r.CallId != invite.CallId);
        Transport.Inject(Response(invite2, 407, "Proxy Authentication Required", extra: Challenge("evil.example")));

        Assert.False(await second.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await Transport.SendsAsync<SipRequest>(r => r.CallId == invite2.CallId && r.Headers.Get("Proxy-Authorization") is not null, withinMs: 300));
        _ = first;
    }

    [Fact]
    public async Task Credentials_are_not_offered_to_a_target_reached_without_the_trunk()
    {
        var call = Place(new DigestCredentials("trunkuser", "trunkpass") { Realm = DigestRealm.Fixed("trunk.example") }, nextHop: null);
        var invite = await Transport.NextSentAsync<SipRequest>(r => r.Method == "INVITE");
        Transport.Inject(Response(invite, 407, "Proxy Authentication Required", extra: Challenge("trunk.example")));

        Assert.False(await call.Answered.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await Transport.SendsAsync<SipRequest>(r => r.Headers.Get("Proxy-Authorization") is not null, withinMs: 300));
    }
}
