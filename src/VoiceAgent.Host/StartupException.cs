namespace VoiceAgent.Host;

/// <summary>A resource start-up needs is unavailable (a port in use, a missing native library). The message says which.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
