using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.Sip.Parsing;

/// <summary>The 49 torture messages of RFC 4475, with the verdicts of its sections (TestData/rfc4475/INDEX.md).</summary>
public sealed class Rfc4475TortureTests
{
    private static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475", name + ".dat"));

    // §3.1.1 valid messages and the §3.3 application-level ones: the parser accepts them; the UAS may reject later.
    [Theory]
    [InlineData("wsinv")]
    [InlineData("intmeth")]
    [InlineData("esc01")]
    [InlineData("escnull")]
    [InlineData("esc02")]
    [InlineData("lwsdisp")]
    [InlineData("longreq")]
    [InlineData("dblreq")]
    [InlineData("semiuri")]
    [InlineData("transports")]
    [InlineData("mpart01")]
    [InlineData("unreason")]
    [InlineData("noreason")]
    [InlineData("unkscm")]
    [InlineData("novelsc")]
    [InlineData("unksm2")]
    [InlineData("bext01")]
    [InlineData("invut")]
    [InlineData("regaut01")]
    [InlineData("bcast")]
    [InlineData("zeromf")]
    [InlineData("cparam01")]
    [InlineData("cparam02")]
    [InlineData("regescrt")]
    [InlineData("sdp01")]
    [InlineData("inv2543")]
    public void Valid_message_parses(string name)
    {
        var ok = SipMessageParser.TryParse(Load(name), out var message, out var error);

        Assert.True(ok, $"{name}: {error?.Detail}");
        Assert.NotNull(message);
    }

    // §3.1.2 invalid requests the RFC says to reject, with the response it suggests.
    [Theory]
    [InlineData("badinv01", 400)]
    [InlineData("clerr", 400)]
    [InlineData("ncl", 400)]
    [InlineData("scalar02", 400)]
    [InlineData("quotbal", 400)]
    [InlineData("ltgtruri", 400)]
    [InlineData("lwsruri", 400)]
    [InlineData("baddn", 400)]
    [InlineData("badvers", 505)]
    [InlineData("mismatch01", 400)]
    [InlineData("mismatch02", 400)]
    [InlineData("multi01", 400)]
    [InlineData("mcl01", 400)]
    [InlineData("insuf", 400)]
    public void Invalid_request_is_rejected_with_the_suggested_status(string name, int status)
    {
        var ok = SipMessageParser.TryParse(Load(name), out _, out var error);

        Assert.False(ok, $"{name} should be rejected");
        Assert.Equal(status, error!.SuggestedStatus);
    }

    // Broken responses are dropped: nothing can answer a response.
    [Theory]
    [InlineData("scalarlg")]
    [InlineData("bigcode")]
    public void Invalid_response_is_dropped(string name)
    {
        var ok = SipMessageParser.TryParse(Load(name), out _, out var error);

        Assert.False(ok);
        Assert.Equal(0, error!.SuggestedStatus);
    }

    // "reject or tolerate": either verdict is allowed, a crash is not.
    [Theory]
    [InlineData("lwsstart")]
    [InlineData("trws")]
    [InlineData("escruri")]
    [InlineData("baddate")]
    [InlineData("regbadct")]
    [InlineData("badaspec")]
    [InlineData("badbranch")]
    public void Tolerable_message_never_throws(string name)
    {
        var ok = SipMessageParser.TryParse(Load(name), out var message, out var error);

        Assert.True(ok ? message is not null : error is not null);
    }

    [Fact]
    public void Every_file_of_the_corpus_has_a_verdict_here()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc4475"), "*.dat");

        Assert.Equal(49, files.Length);
    }

    [Fact]
    public void Wsinv_folding_compact_forms_and_spacing_are_understood()
    {
        SipMessageParser.TryParse(Load("wsinv"), out var message, out _);
        var request = Assert.IsType<SipRequest>(message);

        Assert.Equal("INVITE", request.Method);
        Assert.Equal("0009 INVITE", request.Headers.Get("CSeq"));
        var vias = request.Headers.GetAll("Via").SelectMany(SipHeaderValueSplitter.Split).ToList();
        Assert.Equal(3, vias.Count);
        Assert.True(SipVia.TryParse(vias[1], out var via));
        Assert.Equal("TCP", via!.Transport);
        Assert.Equal("z9hG4bK9ikj8", via.Branch);
        Assert.True(SipNameAddress.TryParse(request.To!, out var to));
        Assert.Equal("1918181833n", to!.Tag);
        Assert.True(SipNameAddress.TryParse(request.From!, out var from));
        Assert.Equal("98asjd8", from!.Tag);
    }

    [Fact]
    public void Dblreq_ignores_the_octets_after_content_length()
    {
        SipMessageParser.TryParse(Load("dblreq"), out var message, out _);

        Assert.Equal("REGISTER", Assert.IsType<SipRequest>(message).Method);
        Assert.Equal(0, message!.Body.Length);
    }

    [Fact]
    public void Inv2543_without_content_length_takes_the_rest_of_the_datagram_as_body()
    {
        SipMessageParser.TryParse(Load("inv2543"), out var message, out _);

        Assert.True(message!.Body.Length > 50);
    }
}
