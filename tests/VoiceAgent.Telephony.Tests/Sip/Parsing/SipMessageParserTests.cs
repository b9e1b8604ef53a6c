using System.Text;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.Sip.Parsing;

public sealed class SipMessageParserTests
{
    private const string Invite =
        "INVITE sip:bot@127.0.0.1:5060 SIP/2.0\r\n" +
        "v: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKabc;rport\r\n" +
        "f: \"Alice\" <sip:alice@127.0.0.1>;tag=a1\r\n" +
        "t: <sip:bot@127.0.0.1>\r\n" +
        "i: call-1@127.0.0.1\r\n" +
        "CSEQ: 1 INVITE\r\n" +
        "m: <sip:alice@127.0.0.1:5094>\r\n" +
        "Subject: folded\r\n  across lines\r\n" +
        "c: application/sdp\r\n" +
        "l: 4\r\n\r\nv=0\r\n";

    private static SipMessage Parse(string text)
    {
        Assert.True(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), error?.Detail);
        return message!;
    }

    [Fact]
    public void Compact_forms_expand_to_canonical_names_and_names_are_case_insensitive()
    {
        var message = Parse(Invite);

        Assert.Equal("call-1@127.0.0.1", message.CallId);
        Assert.Equal("1 INVITE", message.Headers.Get("cseq"));
        Assert.Equal("application/sdp", message.ContentType);
        Assert.Equal("<sip:alice@127.0.0.1:5094>", message.Headers.Get(SipHeaderNames.Contact));
    }

    [Fact]
    public void Folded_header_lines_are_joined_with_one_space()
        => Assert.Equal("folded across lines", Parse(Invite).Headers.Get("Subject"));

    [Fact]
    public void Content_length_frames_the_body()
        => Assert.Equal("v=0\r", Encoding.UTF8.GetString(Parse(Invite).Body.Span));

    [Fact]
    public void Serialize_then_parse_round_trips()
    {
        var original = Parse(Invite);
        var again = Parse(Encoding.UTF8.GetString(SipMessageSerializer.Serialize(original)));

        Assert.Equal(original.Headers.Select(h => h.ToString()), again.Headers.Where(h => h.Name != "Content-Length").Select(h => h.ToString()).Concat(["SipHeader { Name = Content-Length, Value = 4 }"]));
        Assert.Equal(original.Body.ToArray(), again.Body.ToArray());
    }

    [Fact]
    public void Line_breaks_inside_a_header_value_cannot_inject_a_header()
    {
        var message = Parse(Invite);
        message.Headers.Add("Subject", "hi\r\nX-Injected: yes");

        var again = Parse(Encoding.UTF8.GetString(SipMessageSerializer.Serialize(message)));

        Assert.Null(again.Headers.Get("X-Injected"));
    }

    [Theory]
    [InlineData("seventy")]
    [InlineData("")]
    [InlineData("-1")]
    public void Non_numeric_max_forwards_is_400(string value)
    {
        var text = Invite.Replace("CSEQ: 1 INVITE\r\n", $"CSEQ: 1 INVITE\r\nMax-Forwards: {value}\r\n");

        Assert.False(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Equal(400, error!.SuggestedStatus);
    }

    [Fact]
    public void Comma_separated_vias_are_separate_values()
    {
        var message = Parse(Invite.Replace("v: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKabc;rport", "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1, SIP/2.0/TCP 10.0.0.2:5070;branch=z9hG4bK2"));

        var vias = message.Headers.GetAll("Via").SelectMany(SipHeaderValueSplitter.Split).ToList();
        Assert.Equal(2, vias.Count);
        Assert.Equal("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1", message.TopVia);
    }

    [Fact]
    public void Oversized_message_is_rejected_with_513()
    {
        var big = Invite.Replace("Subject: folded", "Subject: " + new string('x', 2000));

        Assert.False(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(big), 1024, out _, out var error));
        Assert.Equal(SipParseErrorKind.TooLarge, error!.Kind);
        Assert.Equal(513, error.SuggestedStatus);
        Assert.NotNull(error.PartialRequest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("hello world, this is not SIP")]
    [InlineData("SIP/2.0 200\r\n\r\n")]
    [InlineData("INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n")]
    public void Garbage_is_rejected_without_throwing(string text)
        => Assert.False(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out _));

    [Fact]
    public void Missing_mandatory_header_is_400_with_an_addressable_partial_request()
    {
        var noMaxForwardsButBadCseq = Invite.Replace("CSEQ: 1 INVITE", "CSeq: 1 BYE");

        Assert.False(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(noMaxForwardsButBadCseq), out _, out var error));
        Assert.Equal(400, error!.SuggestedStatus);
        Assert.Equal("call-1@127.0.0.1", error.PartialRequest!.CallId);
    }

    [Theory]
    [InlineData("sip:alice@example.com:5070;transport=tcp", "sip", "alice", "example.com", 5070)]
    [InlineData("sips:[2001:db8::1]:5061", "sips", null, "[2001:db8::1]", 5061)]
    [InlineData("sip:127.0.0.1", "sip", null, "127.0.0.1", null)]
    [InlineData("tel:+15551234567", "tel", null, "+15551234567", null)]
    public void Uris_parse_into_their_parts(string text, string scheme, string? user, string host, int? port)
    {
        Assert.True(SipUri.TryParse(text, out var uri));
        Assert.Equal((scheme, user, host, port), (uri!.Scheme, uri.User, uri.Host, uri.Port));
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("sip:alice@example.com:99999")]
    [InlineData("sip:")]
    [InlineData("no-scheme")]
    [InlineData("sip:alice@exa mple.com")]
    public void Broken_uris_are_rejected(string text) => Assert.False(SipUri.TryParse(text, out _));

    [Fact]
    public void Name_address_keeps_display_name_uri_and_parameters()
    {
        Assert.True(SipNameAddress.TryParse("\"Bob \\\"B\\\"\" <sip:bob@example.com;transport=udp> ; tag = 42 ;expires=60", out var value));

        Assert.Equal("\"Bob \\\"B\\\"\"", value!.DisplayName);
        Assert.Equal("sip:bob@example.com;transport=udp", value.Uri);
        Assert.Equal("42", value.Tag);
        Assert.Equal("60", value.GetParameter("expires"));
    }

    [Fact]
    public void Addr_spec_without_brackets_gives_its_parameters_to_the_header()
    {
        Assert.True(SipNameAddress.TryParse("sip:bob@example.com;tag=7", out var value));

        Assert.Equal("sip:bob@example.com", value!.Uri);
        Assert.Equal("7", value.Tag);
    }

    [Fact]
    public void Via_parses_transport_sent_by_and_rport()
    {
        Assert.True(SipVia.TryParse("SIP / 2.0 / udp 192.0.2.1:5094 ; branch=z9hG4bKx1;rport", out var via));

        Assert.Equal(("UDP", "192.0.2.1", 5094), (via!.Transport, via.Host, via.Port));
        Assert.Equal("z9hG4bKx1", via.Branch);
        Assert.Equal(string.Empty, via.RPort);
        Assert.True(via.HasMagicCookieBranch);
    }

    [Theory]
    [InlineData("4294967295 INVITE", true)]
    [InlineData("4294967296 INVITE", false)]
    [InlineData("-1 INVITE", false)]
    [InlineData("1", false)]
    public void Cseq_number_must_fit_in_32_bits(string text, bool valid) => Assert.Equal(valid, SipCSeq.TryParse(text, out _));
}
