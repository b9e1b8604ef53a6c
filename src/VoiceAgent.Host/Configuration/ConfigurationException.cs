namespace VoiceAgent.Host.Configuration;

/// <summary>A configuration value that stops start-up. The message names the key and the problem in one line.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
