namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>A parsed SIP request or response (RFC 3261 §7). Headers are mutable while a message is being built.</summary>
public abstract class SipMessage
{
    protected SipMessage(SipHeaderCollection headers, ReadOnlyMemory<byte> body)
    {
        Headers = headers;
        Body = body;
    }

    public SipHeaderCollection Headers { get; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public string? CallId => Headers.Get(SipHeaderNames.CallId);

    public string? From => Headers.Get(SipHeaderNames.From);

    public string? To => Headers.Get(SipHeaderNames.To);

    /// <summary>The top Via line's first value (the one this hop added or will read).</summary>
    public string? TopVia
    {
        get
        {
            var first = Headers.Get(SipHeaderNames.Via);
            if (first is null)
            {
                return null;
            }

            var comma = SipHeaderValueSplitter.FirstValueEnd(first);
            return first[..comma].Trim();
        }
    }

    public string? ContentType => Headers.Get(SipHeaderNames.ContentType);
}
