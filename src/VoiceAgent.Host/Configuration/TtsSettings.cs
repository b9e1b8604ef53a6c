namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Tts</c> section: engine (Tts:Engine), voice (Tts:Voice) and speed (Tts:Speed).</summary>
internal sealed record TtsSettings(string Engine, string Voice, float Speed);
