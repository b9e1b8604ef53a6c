using System.Globalization;
using System.Net;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// Server transport duties on receipt of a request: RFC 3261 §18.2.1 adds <c>received</c> when the
/// Via host differs from the packet's source; RFC 3581 §4 fills <c>rport</c> with the source port
/// (and then always adds <c>received</c>), so responses cross NAT. What the client wrote into
/// <c>received</c> or <c>rport</c> itself is never kept: both are overwritten with what the socket saw,
/// so nothing in the response's Via names an address the packet did not come from.
/// </summary>
internal static class ViaReceivedStamp
{
    public static void Apply(SipRequest request, IPEndPoint source)
    {
        var first = request.Headers.Get(SipHeaderNames.Via);
        if (first is null)
        {
            return;
        }

        var end = SipHeaderValueSplitter.FirstValueEnd(first);
        if (!SipVia.TryParse(first[..end], out var via))
        {
            return;
        }

        var sourceAddress = source.Address.ToString();
        var stamped = via!;
        if (stamped.RPort is not null)
        {
            // RFC 3581 §3: a client sends rport without a value; one that names a port is overwritten too.
            stamped = stamped.WithParameter("rport", source.Port.ToString(CultureInfo.InvariantCulture)).WithParameter("received", sourceAddress);
        }
        else if (stamped.Received is not null || !string.Equals(stamped.Host.Trim('[', ']'), sourceAddress, StringComparison.OrdinalIgnoreCase))
        {
            // §18.2.1: received is ours to add; a client-supplied one is replaced by the packet's source.
            stamped = stamped.WithParameter("received", sourceAddress);
        }

        if (!ReferenceEquals(stamped, via))
        {
            request.Headers.ReplaceFirst(SipHeaderNames.Via, stamped + first[end..]);
        }
    }
}
