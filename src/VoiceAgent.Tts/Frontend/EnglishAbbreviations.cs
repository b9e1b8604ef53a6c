using System.Text.RegularExpressions;

namespace VoiceAgent.Tts.Frontend;

/// <summary>Common English abbreviations as a phone bot would say them.</summary>
internal static partial class EnglishAbbreviations
{
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["Mr"] = "Mister", ["Mrs"] = "Missus", ["Ms"] = "Miz", ["Prof"] = "Professor", ["Jr"] = "Junior", ["Sr"] = "Senior",
    };

    private static readonly Dictionary<string, string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["etc"] = "et cetera", ["e.g"] = "for example", ["i.e"] = "that is", ["vs"] = "versus", ["approx"] = "approximately",
        ["appt"] = "appointment", ["Ave"] = "Avenue", ["Blvd"] = "Boulevard", ["Apt"] = "Apartment", ["Dept"] = "Department",
        ["Mt"] = "Mount", ["Rd"] = "Road", ["Ln"] = "Lane", ["Inc"] = "Incorporated", ["Ltd"] = "Limited", ["Corp"] = "Corporation",
        ["min"] = "minutes", ["mins"] = "minutes", ["hr"] = "hour", ["hrs"] = "hours", ["sec"] = "seconds", ["secs"] = "seconds",
    };

    public static string Expand(string text)
    {
        // Dr. and St. before a name are titles (Doctor Smith, Saint Louis); after one they are street types.
        var result = DoctorOrDrivePattern().Replace(text, m => Before(m, NameFollows(m) ? "Doctor" : "Drive"));
        result = SaintOrStreetPattern().Replace(result, m => Before(m, NameFollows(m) ? "Saint" : "Street"));
        result = TitlePattern().Replace(result, m => Titles[m.Groups["word"].Value]);
        return WordPattern().Replace(result, m => Before(m, Words[m.Groups["word"].Value]));
    }

    /// <summary>True when the text after an abbreviation's period starts a new sentence (end of text, or a capital after whitespace).</summary>
    public static bool EndsSentence(string rest)
    {
        var trimmed = rest.AsSpan().TrimStart();
        return trimmed.IsEmpty || (trimmed.Length < rest.Length && char.IsUpper(trimmed[0]));
    }

    public static (string Singular, string Plural) Unit(string unit) => unit switch
    {
        "min" or "mins" => ("minute", "minutes"),
        "hr" or "hrs" => ("hour", "hours"),
        "sec" or "secs" => ("second", "seconds"),
        "ms" => ("millisecond", "milliseconds"),
        "km/h" or "kph" => ("kilometer per hour", "kilometers per hour"),
        "mph" => ("mile per hour", "miles per hour"),
        "km" => ("kilometer", "kilometers"),
        "kg" => ("kilogram", "kilograms"),
        "lb" or "lbs" => ("pound", "pounds"),
        "mi" => ("mile", "miles"),
        "ft" => ("foot", "feet"),
        "cm" => ("centimeter", "centimeters"),
        "mm" => ("millimeter", "millimeters"),
        "oz" => ("ounce", "ounces"),
        "KB" or "kB" => ("kilobyte", "kilobytes"),
        "MB" => ("megabyte", "megabytes"),
        "GB" => ("gigabyte", "gigabytes"),
        "TB" => ("terabyte", "terabytes"),
        _ => (unit, unit),
    };

    private static bool NameFollows(Match match) => match.Groups["next"].Success;

    /// <summary>The expansion, keeping the period when it also ended the sentence.</summary>
    private static string Before(Match match, string expansion) =>
        match.Groups["dot"].Success && EndsSentence(match.Result("$'")) && !NameFollows(match) ? expansion + "." : expansion;

    [GeneratedRegex(@"\bDr(?<dot>\.)(?=\s+(?<next>[A-Z]))?", RegexOptions.CultureInvariant)]
    private static partial Regex DoctorOrDrivePattern();

    [GeneratedRegex(@"\bSt(?<dot>\.)(?=\s+(?<next>[A-Z]))?", RegexOptions.CultureInvariant)]
    private static partial Regex SaintOrStreetPattern();

    [GeneratedRegex(@"\b(?<word>Mrs|Mr|Ms|Prof|Jr|Sr)\.", RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"(?<!\w)(?<word>etc|e\.g|i\.e|vs|approx|appt|Ave|Blvd|Apt|Dept|Mt|Rd|Ln|Inc|Ltd|Corp)(?<dot>\.)|(?<!\w)(?<word>vs|hrs|mins)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WordPattern();
}
