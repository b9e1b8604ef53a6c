namespace VoiceAgent.Telephony.Sip.UserAgent;

/// <summary>The session timer agreed for a dialog: interval and who refreshes (<c>uac</c> or <c>uas</c>).</summary>
internal sealed record SessionTimerTerms(int Seconds, string Refresher, bool UacSupportsTimer);
