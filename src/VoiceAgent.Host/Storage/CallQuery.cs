namespace VoiceAgent.Host.Storage;

/// <summary>
/// A filtered page of call records: started in [<see cref="Since"/>, <see cref="Until"/>), of a
/// direction, with an end reason, with a number in From or To. <see cref="Offset"/> counts from the
/// newest call; a page is returned oldest first.
/// </summary>
internal sealed record CallQuery(DateTimeOffset? Since, DateTimeOffset? Until, string? Direction, string? Outcome, string? Number, int Limit, int Offset);
