namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>A SIP response: SIP/2.0 SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string reasonPhrase, SipHeaderCollection headers, ReadOnlyMemory<byte> body = default)
        : base(headers, body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode is >= 100 and < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
