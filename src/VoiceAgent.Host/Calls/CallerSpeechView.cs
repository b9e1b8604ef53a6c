namespace VoiceAgent.Host.Calls;

/// <summary>A caller speech transition (voice activity detection) as the API reports it: <c>speech-started</c> or <c>speech-stopped</c>.</summary>
internal sealed record CallerSpeechView(string Transition, DateTimeOffset At);
