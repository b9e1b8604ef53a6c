namespace VoiceAgent.Host.Calls;

/// <summary>Where a call is in its life, as the API reports it.</summary>
internal enum CallState
{
    Ringing,
    Answered,
    Ended,
}
