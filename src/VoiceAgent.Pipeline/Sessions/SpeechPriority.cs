namespace VoiceAgent.Pipeline.Sessions;

/// <summary>Which speech the shared stages serve first when both wait.</summary>
public enum SpeechPriority
{
    /// <summary>A live call: a caller hears any delay.</summary>
    Call,

    /// <summary>Work nobody is listening to live (the speech API): runs when no call's row waits.</summary>
    Background,
}
