namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>CSeq (RFC 3261 §20.16): a 32-bit sequence number and the method.</summary>
public readonly record struct SipCSeq(uint Number, string Method)
{
    public static bool TryParse(string? text, out SipCSeq value) => Parsing.SipCSeqParser.TryParse(text, out value);

    public override string ToString() => $"{Number} {Method}";
}
