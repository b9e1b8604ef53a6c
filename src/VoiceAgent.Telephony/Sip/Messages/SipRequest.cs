namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>A SIP request: Method SP Request-URI SP SIP/2.0 (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, string requestUri, SipHeaderCollection headers, ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }

    public string RequestUri { get; }
}
