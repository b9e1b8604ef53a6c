namespace VoiceAgent.Host.Calls;

/// <summary>One event of a call as its record keeps it: a key press, an application event, an error.</summary>
internal sealed record CallEventView(string Name, DateTimeOffset At, string? Detail);
