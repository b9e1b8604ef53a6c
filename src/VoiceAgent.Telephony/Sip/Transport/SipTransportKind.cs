namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>The transports SIP runs over here (RFC 3261 §18): datagrams, or a byte stream.</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
}

/// <summary>How each transport is named on the wire and what it promises.</summary>
public static class SipTransportKinds
{
    /// <summary>The name in a Via sent-protocol (<c>SIP/2.0/TCP</c>).</summary>
    public static string ViaName(this SipTransportKind kind) => kind == SipTransportKind.Tcp ? "TCP" : "UDP";

    /// <summary>The value of a URI's <c>transport</c> parameter.</summary>
    public static string UriName(this SipTransportKind kind) => kind == SipTransportKind.Tcp ? "tcp" : "udp";

    /// <summary>§17.1.1.2, §17.1.2.2: over a reliable transport client transactions do not retransmit.</summary>
    public static bool IsReliable(this SipTransportKind kind) => kind == SipTransportKind.Tcp;

    /// <summary>Reads a URI <c>transport</c> parameter or a Via transport (case-insensitive); false for anything else (TLS, SCTP, WS).</summary>
    public static bool TryParse(string? text, out SipTransportKind kind)
    {
        kind = SipTransportKind.Udp;
        if (string.Equals(text, "udp", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "tcp", StringComparison.OrdinalIgnoreCase))
        {
            kind = SipTransportKind.Tcp;
            return true;
        }

        return false;
    }
}
