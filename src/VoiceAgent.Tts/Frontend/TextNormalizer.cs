using System.Globalization;
using System.Text.RegularExpressions;

namespace VoiceAgent.Tts.Frontend;

/// <summary>
/// Spells out what a phone bot says in writing (numbers, money, times, dates, phone numbers, abbreviations) so the
/// synthesizer reads it the way a person would. English only; other languages pass through unchanged. Never throws
/// on odd input: what no rule understands is left as written.
/// </summary>
public static partial class TextNormalizer
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Normalizes English text.</summary>
    public static string Normalize(string text) => Normalize(text, "en");

    /// <summary>Normalizes <paramref name="text"/> for <paramref name="language"/> (a language or voice name such as en-us); only English is rewritten.</summary>
    public static string Normalize(string text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsEnglish(language))
        {
            return text;
        }

        var result = EmailPattern().Replace(text, m => m.Value.Replace("@", " at ", StringComparison.Ordinal).Replace(".", " dot ", StringComparison.Ordinal));
        result = PhonePattern().Replace(result, SpeakPhoneNumber);
        result = IsoDatePattern().Replace(result, m => SpeakDate(m, m.Groups["y"].Value, m.Groups["m"].Value, m.Groups["d"].Value));
        result = UsDatePattern().Replace(result, m => SpeakDate(m, m.Groups["y"].Value, m.Groups["m"].Value, m.Groups["d"].Value));
        result = MonthDayPattern().Replace(result, SpeakMonthDay);
        result = ClockTimePattern().Replace(result, SpeakClockTime);
        result = HourTimePattern().Replace(result, m => NumberWords.Integer(m.Groups["h"].Value) + " " + Meridiem(m));
        result = CurrencyPattern().Replace(result, CurrencyReader.Speak);
        result = PercentPattern().Replace(result, m => SpeakNumber(m.Groups["num"].Value) + " percent");
        result = OrdinalPattern().Replace(result, m => TryParse(m.Groups["num"].Value, out var n) ? NumberWords.Ordinal(n) : m.Value);
        result = NumberSignPattern().Replace(result, "number ");
        result = UnitPattern().Replace(result, SpeakUnit);
        result = RangePattern().Replace(result, " to ");
        result = DecimalPattern().Replace(result, m => Spaced(m, NumberWords.Decimal(m.Groups["sign"].Value + m.Groups["int"].Value, m.Groups["frac"].Value)));
        result = IntegerPattern().Replace(result, m => Spaced(m, NumberWords.Integer(m.Value)));
        result = EnglishAbbreviations.Expand(result);
        result = AmpersandPattern().Replace(result, " and ");
        return WhitespacePattern().Replace(result, " ").Trim();
    }

    internal static bool IsEnglish(string? language) =>
        language is not null && (language.Equals("en", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("en+", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("en_", StringComparison.OrdinalIgnoreCase));

    internal static bool TryParse(string digits, out long value) =>
        long.TryParse(digits.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && Math.Abs(value) <= NumberWords.MaxCardinal;

    /// <summary>"12" -> "twelve", "3.5" -> "three point five".</summary>
    internal static string SpeakNumber(string number)
    {
        var dot = number.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? NumberWords.Integer(number) : NumberWords.Decimal(number[..dot], number[(dot + 1)..]);
    }

    private static string SpeakPhoneNumber(Match match)
    {
        var groups = new List<string>();
        if (match.Groups["plus"].Success)
        {
            groups.Add("plus " + NumberWords.Digits(match.Groups["cc"].Value));
        }
        else if (match.Groups["cc"].Success)
        {
            groups.Add(NumberWords.Digits(match.Groups["cc"].Value));
        }

        groups.Add(NumberWords.Digits(match.Groups["area"].Value));
        groups.Add(NumberWords.Digits(match.Groups["exchange"].Value));
        groups.Add(NumberWords.Digits(match.Groups["line"].Value));
        return string.Join(", ", groups);
    }

    private static string SpeakDate(Match match, string year, string month, string day)
    {
        if (!int.TryParse(year, CultureInfo.InvariantCulture, out var y) || !int.TryParse(month, CultureInfo.InvariantCulture, out var m)
            || !int.TryParse(day, CultureInfo.InvariantCulture, out var d) || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(Math.Clamp(y, 1, 9999), m))
        {
            return match.Value;
        }

        return $"{CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(m)} {NumberWords.Ordinal(d)}, {NumberWords.Year(y)}";
    }

    private static string SpeakMonthDay(Match match)
    {
        var month = Array.FindIndex(
            CultureInfo.InvariantCulture.DateTimeFormat.MonthNames,
            name => name.Length > 0 && name.StartsWith(match.Groups["month"].Value[..3], StringComparison.OrdinalIgnoreCase));
        if (month < 0 || !int.TryParse(match.Groups["d"].Value, CultureInfo.InvariantCulture, out var day) || day is < 1 or > 31)
        {
            return match.Value;
        }

        var spoken = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[month] + " " + NumberWords.Ordinal(day);
        return match.Groups["y"].Success && int.TryParse(match.Groups["y"].Value, CultureInfo.InvariantCulture, out var year)
            ? spoken + ", " + NumberWords.Year(year)
            : spoken;
    }

    private static string SpeakClockTime(Match match)
    {
        var hour = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var meridiem = Meridiem(match);
        if (hour > 23 || minute > 59 || (meridiem.Length > 0 && hour > 12))
        {
            return match.Value;
        }

        var spokenHour = NumberWords.Cardinal(meridiem.Length > 0 && hour == 0 ? 12 : hour);
        var spoken = minute switch
        {
            0 when meridiem.Length > 0 => spokenHour,
            0 => spokenHour + " o'clock",
            < 10 => spokenHour + " oh " + NumberWords.Cardinal(minute),
            _ => spokenHour + " " + NumberWords.Cardinal(minute),
        };
        if (match.Groups["s"].Success && int.TryParse(match.Groups["s"].Value, CultureInfo.InvariantCulture, out var second) && second > 0)
        {
            spoken += " and " + NumberWords.Cardinal(second) + (second == 1 ? " second" : " seconds");
        }

        return meridiem.Length > 0 ? spoken + " " + meridiem : spoken;
    }

    /// <summary>"AM"/"PM" (plus a period when the abbreviation's period also ended the sentence), or "".</summary>
    private static string Meridiem(Match match)
    {
        var group = match.Groups["ampm"];
        if (!group.Success)
        {
            return string.Empty;
        }

        var word = char.ToUpperInvariant(group.Value[0]) == 'A' ? "AM" : "PM";
        return match.Groups["dot"].Success && EnglishAbbreviations.EndsSentence(match.Result("$'")) ? word + "." : word;
    }

    private static string SpeakUnit(Match match)
    {
        var number = match.Groups["num"].Value;
        var (singular, plural) = EnglishAbbreviations.Unit(match.Groups["unit"].Value);
        return SpeakNumber(number) + " " + (number == "1" ? singular : plural);
    }

    /// <summary>Keeps a spoken number apart from letters it was glued to ("A1" -> "A one").</summary>
    private static string Spaced(Match match, string spoken)
    {
        var input = match.Result("$_");
        var before = match.Index > 0 && char.IsLetter(input[match.Index - 1]) ? " " : string.Empty;
        var end = match.Index + match.Length;
        var after = end < input.Length && char.IsLetter(input[end]) ? " " : string.Empty;
        return before + spoken + after;
    }

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\b", Options)]
    private static partial Regex EmailPattern();

    // +1 (555) 123-4567, 1-800-555-1234, (555) 123-4567, 555.123.4567
    [GeneratedRegex(@"(?<![\w+])((?<plus>\+)(?<cc>\d{1,3})[\s.-]?|(?<cc>1)[\s.-])?(\((?<area>\d{3})\)\s?|(?<area>\d{3})[\s.-])(?<exchange>\d{3})[\s.-](?<line>\d{4})(?!\w)", Options)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"\b(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})\b", Options)]
    private static partial Regex IsoDatePattern();

    [GeneratedRegex(@"\b(?<m>\d{1,2})/(?<d>\d{1,2})/(?<y>\d{4})\b", Options)]
    private static partial Regex UsDatePattern();

    [GeneratedRegex(@"\b(?<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+(?<d>\d{1,2})(st|nd|rd|th)?\b(,?\s+(?<y>\d{4})\b)?", Options)]
    private static partial Regex MonthDayPattern();

    [GeneratedRegex(@"\b(?<h>\d{1,2}):(?<m>\d{2})(:(?<s>\d{2}))?(\s*(?<ampm>[AaPp])\.?\s?[Mm]\b(?<dot>\.)?)?", Options)]
    private static partial Regex ClockTimePattern();

    [GeneratedRegex(@"\b(?<h>1[0-2]|0?[1-9])\s*(?<ampm>[AaPp])\.?\s?[Mm]\b(?<dot>\.)?", Options)]
    private static partial Regex HourTimePattern();

    [GeneratedRegex(@"(?<sign>-)?(?<symbol>[$€£])\s?(?<int>\d{1,3}(,\d{3})+|\d+)(\.(?<frac>\d{1,2}))?(\s?(?<scale>thousand|million|billion|trillion|bn|[kKmMbB])\b)?", Options)]
    internal static partial Regex CurrencyPattern();

    [GeneratedRegex(@"(?<num>-?\d+(\.\d+)?)\s?%", Options)]
    private static partial Regex PercentPattern();

    [GeneratedRegex(@"\b(?<num>\d{1,3}(,\d{3})+|\d+)(st|nd|rd|th)\b", Options | RegexOptions.IgnoreCase)]
    private static partial Regex OrdinalPattern();

    [GeneratedRegex(@"(\bNo\.\s?|#\s?)(?=\d)", Options)]
    private static partial Regex NumberSignPattern();

    [GeneratedRegex(@"\b(?<num>\d+(\.\d+)?)\s?(?<unit>mins?|hrs?|secs?|ms|km/h|kph|mph|km|kg|lbs?|mi|ft|cm|mm|oz|GB|MB|KB|kB|TB)\b\.?", Options)]
    private static partial Regex UnitPattern();

    [GeneratedRegex(@"(?<=\d)\s?[-–]\s?(?=\d)", Options)]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"(?<![\w.])(?<sign>(?<!\w)[-−])?(?<int>\d+)\.(?<frac>\d+)(?![\d.]\d)", Options)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"((?<![\w-])[-−](?=\d))?(\d{1,3}(,\d{3})+(?!\d)|\d+)", Options)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"\s*&\s*", Options)]
    private static partial Regex AmpersandPattern();

    [GeneratedRegex(@"\s+", Options)]
    private static partial Regex WhitespacePattern();
}
