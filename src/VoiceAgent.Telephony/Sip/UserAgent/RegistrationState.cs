namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>Where a registration stands, for the API.</summary>
/// <param name="State"><c>registering</c>, <c>registered</c>, <c>failed</c> (retrying), <c>unregistered</c>.</param>
/// <param name="LastStatus">The registrar's last final status (0: none, 408: no answer).</param>
/// <param name="ExpiresAt">When the current binding lapses (refreshed well before).</param>
/// <param name="Error">Why the last attempt failed.</param>
public sealed record RegistrationState(string State, int LastStatus, DateTimeOffset? ExpiresAt, string? Error);
