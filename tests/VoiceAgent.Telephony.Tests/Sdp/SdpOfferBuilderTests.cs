using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Telephony.Tests.Sdp;

public sealed class SdpOfferBuilderTests
{
    [Fact]
    public void The_offer_lists_our_codecs_in_order_and_an_answerer_picks_from_it()
    {
        var offer = SdpOfferBuilder.Build([AudioCodecs.Opus, AudioCodecs.Pcmu, AudioCodecs.Pcma], "192.0.2.10", 40000, 42);

        Assert.True(SessionDescription.TryParse(offer, out var parsed, out var error), error);
        var audio = parsed!.Media.Single();
        Assert.Equal(["111", "0", "8", "101"], audio.Formats);
        Assert.Equal(40000, audio.Port);
        Assert.Contains("a=rtpmap:111 opus/48000/2", offer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:101 telephone-event/8000", offer, StringComparison.Ordinal);

        // A G.711-only answerer (RFC 3264 §6) finds PCMU first among what it supports, with our payload type.
        var answerer = new SdpNegotiator([AudioCodecs.Pcma, AudioCodecs.Pcmu]).Negotiate(parsed);
        Assert.Equal("PCMU", answerer.Media!.Codec);
        Assert.Equal(0, answerer.Media.PayloadType);
        Assert.Equal(101, answerer.Media.TelephoneEventPayloadType);
    }
}
