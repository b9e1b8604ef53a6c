namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Inbound</c> section: what the embedded default says to callers.</summary>
/// <param name="Greeting">Spoken when a call is answered (Inbound:Greeting).</param>
/// <param name="Goodbye">Spoken before the host hangs up after '#' (Inbound:Goodbye).</param>
internal sealed record InboundSettings(string Greeting, string Goodbye);
