using System.Globalization;
using System.Net;
using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>
/// Server transport duties on receipt of a request: RFC 3261 §18.2.1 adds <c>received</c> when the
/// Via host differs from the packet's source; RFC 3581 §4 fills an empty <c>rport</c> with the
/// source port (and then always adds <c>received</c>), so responses cross NAT.
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
        if (stamped.RPort is "")
        {
            stamped = stamped.WithParameter("rport", source.Port.ToString(CultureInfo.InvariantCulture)).WithParameter("received", sourceAddress);
        }
        else if (!string.Equals(stamped.Host, sourceAddress, StringComparison.OrdinalIgnoreCase))
        {
            stamped = stamped.WithParameter("received", sourceAddress);
        }

        if (!ReferenceEquals(stamped, via))
        {
            request.Headers.ReplaceFirst(SipHeaderNames.Via, stamped + first[end..]);
        }
    }

    /// <summary>Where a response to a request with this top Via goes (RFC 3261 §18.2.2, RFC 3581 §4).</summary>
    public static IPEndPoint? ResponseDestination(SipVia via, IPEndPoint fallback)
    {
        var host = via.Received ?? via.Host;
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return fallback;
        }

        var port = int.TryParse(via.RPort, NumberStyles.None, CultureInfo.InvariantCulture, out var rport) ? rport : via.Port ?? 5060;
        return new IPEndPoint(address, port);
    }
}
