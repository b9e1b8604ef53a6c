using System.Text;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.UserAgent;

/// <summary>Wire text of the requests a caller at 127.0.0.1:5094 sends to the bot, and parsing of it.</summary>
internal static class SipTestRequests
{
    public const string Sdp =
        "v=0\r\n" +
        "o=alice 1 1 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "m=audio 20200 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n";

    public static string Text(
        string method,
        string branch = "z9hG4bK-tx1",
        string callId = "call-1@127.0.0.1",
        uint cseq = 1,
        string? cseqMethod = null,
        string fromTag = "caller1",
        string? toTag = null,
        string sentBy = "127.0.0.1:5094",
        string requestUri = "sip:bot@127.0.0.1:5060",
        string extraHeaders = "",
        string? contentType = null,
        string body = "")
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(requestUri).Append(" SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/UDP ").Append(sentBy).Append(";branch=").Append(branch).Append(";rport\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        sb.Append("From: \"Alice\" <sip:alice@127.0.0.1>;tag=").Append(fromTag).Append("\r\n");
        sb.Append("To: <sip:bot@127.0.0.1>").Append(toTag is null ? string.Empty : ";tag=" + toTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(callId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq).Append(' ').Append(cseqMethod ?? method).Append("\r\n");
        sb.Append("Contact: <sip:alice@127.0.0.1:5094>\r\n");
        sb.Append(extraHeaders);
        if (body.Length > 0)
        {
            sb.Append("Content-Type: ").Append(contentType ?? "application/sdp").Append("\r\n");
        }

        sb.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n\r\n").Append(body);
        return sb.ToString();
    }

    public static SipRequest Parse(string text)
    {
        Assert.True(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), error?.Detail);
        return Assert.IsType<SipRequest>(message);
    }

    public static SipRequest Request(string method, string branch = "z9hG4bK-tx1", string sentBy = "127.0.0.1:5094", uint cseq = 1, string? cseqMethod = null, string? toTag = null)
        => Parse(Text(method, branch, cseq: cseq, cseqMethod: cseqMethod, toTag: toTag, sentBy: sentBy));

    public static SipResponse Response(SipRequest request, int status)
    {
        var headers = new SipHeaderCollection();
        foreach (var name in new[] { SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq })
        {
            foreach (var value in request.Headers.GetAll(name))
            {
                headers.Add(name, value);
            }
        }

        return new SipResponse(status, status == 200 ? "OK" : "Response", headers);
    }
}
