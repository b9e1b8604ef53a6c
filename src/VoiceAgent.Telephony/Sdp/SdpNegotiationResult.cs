namespace VoiceAgent.Telephony.Sdp;

/// <summary>Either the negotiated media, or why nothing could be agreed (the UAS then answers 488).</summary>
public sealed record SdpNegotiationResult(NegotiatedMedia? Media, string? FailureReason)
{
    public bool Succeeded => Media is not null;
}
