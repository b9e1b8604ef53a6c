namespace VoiceAgent.Telephony.Sip.Messages;

/// <summary>One header line as received or to be sent: canonical long name and raw value (folding already unfolded).</summary>
public readonly record struct SipHeader(string Name, string Value);
