namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>What the host does with a new call. Runs off the SIP receive loop; may take the whole call.</summary>
public interface IIncomingCallHandler
{
    Task OnIncomingCallAsync(IncomingCall call, CancellationToken cancellationToken);
}
