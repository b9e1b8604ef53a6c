namespace VoiceAgent.Telephony.Sip.Transport;

/// <summary>A transport could not be opened (port in use, address not local).</summary>
public sealed class SipTransportException(string message, Exception? inner = null) : Exception(message, inner);
