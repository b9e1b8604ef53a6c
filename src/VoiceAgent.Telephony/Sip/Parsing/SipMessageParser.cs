using VoiceAgent.Telephony.Sip.Messages;

namespace VoiceAgent.Telephony.Sip.Parsing;

/// <summary>Parses one SIP message from a UDP datagram or a framed TCP message (RFC 3261 §7, §18.3).</summary>
public static class SipMessageParser
{
    /// <summary>Default maximum message size in bytes (RFC 3261 §18.1.1 keeps UDP under the path MTU; 64 KiB is the UDP ceiling).</summary>
    public const int DefaultMaxMessageSize = 65_535;

    /// <summary>Never throws: malformed input yields false and a typed <paramref name="error"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> input, out SipMessage? message, out SipParseError? error)
        => TryParse(input, DefaultMaxMessageSize, out message, out error);

    public static bool TryParse(ReadOnlySpan<byte> input, int maxMessageSize, out SipMessage? message, out SipParseError? error)
        => throw new NotImplementedException("sip-parse helper fills this in");
}
