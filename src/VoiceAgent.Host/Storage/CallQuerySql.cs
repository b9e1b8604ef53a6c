namespace VoiceAgent.Host.Storage;

/// <summary>The WHERE clause of a <see cref="CallQuery"/>, with parameters, in either backend's dialect.</summary>
internal static class CallQuerySql
{
    /// <param name="prefix">Parameter prefix (<c>$</c> for SQLite, <c>@</c> for PostgreSQL).</param>
    /// <param name="addParameter">Adds a named parameter to the command.</param>
    /// <param name="containsFormat">"haystack contains needle" as SQL with {0} and {1}.</param>
    /// <param name="time">How the backend stores the start time.</param>
    public static string Where(CallQuery query, string prefix, Action<string, object> addParameter, string containsFormat, Func<DateTimeOffset, object> time)
    {
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add($"started_at >= {prefix}since");
            addParameter(prefix + "since", time(since));
        }

        if (query.Until is { } until)
        {
            where.Add($"started_at < {prefix}until");
            addParameter(prefix + "until", time(until));
        }

        if (query.Direction is { } direction)
        {
            where.Add($"direction = {prefix}direction");
            addParameter(prefix + "direction", direction);
        }

        if (query.Outcome is { } outcome)
        {
            where.Add($"end_reason = {prefix}outcome");
            addParameter(prefix + "outcome", outcome);
        }

        if (query.Number is { } number)
        {
            where.Add("(" + string.Format(System.Globalization.CultureInfo.InvariantCulture, containsFormat, "from_uri", prefix + "number") + " OR "
                + string.Format(System.Globalization.CultureInfo.InvariantCulture, containsFormat, "to_uri", prefix + "number") + ")");
            addParameter(prefix + "number", number);
        }

        return where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
    }
}
