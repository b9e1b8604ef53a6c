using System.Text;
using VoiceAgent.Telephony.Sip.Messages;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.Sip.Transactions;

/// <summary>Requests and responses for transaction tests, parsed from wire text like the real thing.</summary>
internal static class TransactionTestMessages
{
    public static SipRequest Request(string method, string branch = "z9hG4bKtest1", string cseqMethod = "")
    {
        var text = $"{method} sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch={branch}\r\n" +
                   $"From: <sip:a@127.0.0.1>;tag=f1\r\nTo: <sip:bot@127.0.0.1>\r\nCall-ID: tx-test\r\nCSeq: 1 {(cseqMethod.Length > 0 ? cseqMethod : method)}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        Assert.True(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), error?.Detail);
        return (SipRequest)message!;
    }

    public static SipResponse Response(SipRequest request, int status)
        => VoiceAgent.Telephony.Sip.Messages.SipResponseFactory.Create(request, status, "Test", "t1");
}
