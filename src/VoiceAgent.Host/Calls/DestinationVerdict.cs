namespace VoiceAgent.Host.Calls;

/// <summary>Whether a call may be placed to a destination: allowed, not a destination at all (400), or not allowed here (403).</summary>
internal sealed record DestinationVerdict(DestinationVerdictKind Kind, string Reason)
{
    public static readonly DestinationVerdict Allowed = new(DestinationVerdictKind.Allowed, string.Empty);

    public static DestinationVerdict Invalid(string reason) => new(DestinationVerdictKind.Invalid, reason);

    public static DestinationVerdict NotAllowed(string reason) => new(DestinationVerdictKind.NotAllowed, reason);
}

internal enum DestinationVerdictKind
{
    Allowed,
    Invalid,
    NotAllowed,
}
