namespace VoiceAgent.Host.Calls;

/// <summary>
/// What runs a call once its media is up: a webhook application, a media stream, or (inbound,
/// when none is configured) the embedded demo script. Implemented in Applications, so Calls
/// depends on no application type and Applications depends on Calls, not the other way round.
/// </summary>
internal interface ICallApplications
{
    /// <summary>
    /// Runs the application configured for <paramref name="calledNumber"/>, which answers through
    /// <paramref name="answer"/>; false when none is configured (nothing was run, nothing answered).
    /// </summary>
    Task<bool> TryRunInboundAsync(CallContext call, string? calledNumber, Func<Task> answer, CancellationToken cancellationToken);

    /// <summary>Runs an answered outbound call's verbs (and its application's, when it has one) until they run out or the call ends.</summary>
    Task RunAnsweredOutboundAsync(CallContext call, Uri? application, IReadOnlyList<ICallVerb> verbs, CancellationToken cancellationToken);

    /// <summary>Tells the application (if any) of an unanswered attempt: call.ended with its outcome and SIP code.</summary>
    Task ReportNotAnsweredAsync(Uri? application, CallRecord record, string outcome, int? sipCode, int attempt);
}
