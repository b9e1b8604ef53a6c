namespace VoiceAgent.Host.Calls;

/// <summary>Telephone numbers as the destination allow-list compares them.</summary>
internal static class OutboundNumber
{
    /// <summary>
    /// The digits of a number written with an optional leading + and the visual separators - and .
    /// (RFC 3966 §5.1.1), or null when <paramref name="text"/> is not such a number.
    /// </summary>
    public static string? Digits(string text)
    {
        var body = text.StartsWith('+') ? text[1..] : text;
        if (body.Length == 0 || !body.All(c => char.IsAsciiDigit(c) || c is '-' or '.') || !body.Any(char.IsAsciiDigit))
        {
            return null;
        }

        return new string([.. body.Where(char.IsAsciiDigit)]);
    }
}
