using VoiceAgent.Telephony.Codecs;
using VoiceAgent.Telephony.Sdp;

namespace VoiceAgent.Telephony.Tests.Sdp;

public sealed class SdpNegotiatorTests
{
    private static readonly SdpNegotiator Negotiator = new(AudioCodecs.All);

    private static string Offer(string formats, string attributes, string mediaConnection = "", string sessionConnection = "c=IN IP4 192.0.2.5\r\n")
        => "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\n" + sessionConnection + "t=0 0\r\n" + $"m=audio 40000 RTP/AVP {formats}\r\n" + mediaConnection + attributes;

    private static NegotiatedMedia Negotiate(string sdp)
    {
        Assert.True(SessionDescription.TryParse(sdp, out var offer, out var error), error);
        var result = Negotiator.Negotiate(offer!);
        Assert.True(result.Succeeded, result.FailureReason);
        return result.Media!;
    }

    [Theory]
    [InlineData("0 8", "PCMU", 0)]
    [InlineData("8 0", "PCMA", 8)]
    [InlineData("9 0", "G722", 9)]
    public void The_callers_first_supported_codec_wins(string formats, string codec, int payloadType)
    {
        var media = Negotiate(Offer(formats, string.Empty));

        Assert.Equal((codec, payloadType), (media.Codec, media.PayloadType));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(96)]
    public void Telephone_event_keeps_the_offerers_dynamic_payload_type(int pt)
    {
        var media = Negotiate(Offer($"0 {pt}", $"a=rtpmap:{pt} telephone-event/8000\r\na=fmtp:{pt} 0-16\r\n"));

        Assert.Equal(pt, media.TelephoneEventPayloadType);
    }

    [Fact]
    public void Opus_is_matched_by_rtpmap_with_its_fmtp()
    {
        var media = Negotiate(Offer("111 0", "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1;maxaveragebitrate=16000\r\n"));

        Assert.Equal(("opus", 111, 48000), (media.Codec, media.PayloadType, media.ClockRate));
        Assert.Equal(16000, new OpusEncoderSettings().ApplyRemoteFormat(media.RemoteFormat).Bitrate);
    }

    [Fact]
    public void Media_level_connection_overrides_the_session_level_one()
    {
        var media = Negotiate(Offer("0", string.Empty, mediaConnection: "c=IN IP4 198.51.100.7\r\n"));

        Assert.Equal("198.51.100.7:40000", media.RemoteRtp.ToString());
    }

    [Fact]
    public void No_common_codec_fails_with_a_reason()
    {
        Assert.True(SessionDescription.TryParse(Offer("3 18", string.Empty), out var offer, out _));

        var result = Negotiator.Negotiate(offer!);

        Assert.False(result.Succeeded);
        Assert.Contains("no common codec", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sendonly_offer_is_answered_recvonly()
        => Assert.Equal("recvonly", Negotiate(Offer("0", "a=sendonly\r\n")).Direction);

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("v=0\r\nm=audio\r\n")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\n")]
    public void Broken_sdp_is_an_error_not_an_exception(string text)
    {
        Assert.False(SessionDescription.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_answer_has_ptime_our_port_rtpmaps_and_refuses_video()
    {
        var sdp = Offer("0 101", "a=rtpmap:101 telephone-event/8000\r\n") + "m=video 40002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";
        Assert.True(SessionDescription.TryParse(sdp, out var offer, out _));
        var media = Negotiator.Negotiate(offer!).Media!;

        var answer = SdpAnswerBuilder.Build(offer!, media, "203.0.113.9", 12000, 42);

        Assert.Contains("c=IN IP4 203.0.113.9\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("m=audio 12000 RTP/AVP 0 101\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:0 PCMU/8000\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=ptime:20\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("m=video 0 RTP/AVP 96\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=sendrecv\r\n", answer, StringComparison.Ordinal);
    }
}
