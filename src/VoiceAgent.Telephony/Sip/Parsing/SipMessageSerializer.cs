using System.Globalization;
using System.Text;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>Writes a message to wire bytes, setting Content-Length from the body (RFC 3261 §20.14).</summary>
public static class SipMessageSerializer
{
    public static byte[] Serialize(SipMessage message)
    {
        var builder = new StringBuilder(512);
        switch (message)
        {
            case SipRequest request:
                builder.Append(request.Method).Append(' ').Append(request.RequestUri).Append(" SIP/2.0\r\n");
                break;
            case SipResponse response:
                builder.Append("SIP/2.0 ").Append(response.StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(response.ReasonPhrase).Append("\r\n");
                break;
        }

        foreach (var header in message.Headers)
        {
            if (!string.Equals(header.Name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                // A CR or LF inside a value would start a new header on the wire: never let one through.
                builder.Append(header.Name).Append(": ").Append(header.Value.ReplaceLineEndings(" ")).Append("\r\n");
            }
        }

        builder.Append("Content-Length: ").Append(message.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = Encoding.UTF8.GetByteCount(builder.ToString());
        var bytes = new byte[head + message.Body.Length];
        Encoding.UTF8.GetBytes(builder.ToString(), bytes);
        message.Body.Span.CopyTo(bytes.AsSpan(head));
        return bytes;
    }
}
