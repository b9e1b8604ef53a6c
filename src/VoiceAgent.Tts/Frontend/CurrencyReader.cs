using System.Text.RegularExpressions;

namespace VoiceAgent.Tts.Frontend;

/// <summary>Reads a match of <see cref="TextNormalizer.CurrencyPattern"/>: "$12.50" -> "twelve dollars and fifty cents".</summary>
internal static class CurrencyReader
{
    public static string Speak(Match match)
    {
        var (unit, units, subunit, subunits) = match.Groups["symbol"].Value switch
        {
            "€" => ("euro", "euros", "cent", "cents"),
            "£" => ("pound", "pounds", "penny", "pence"),
            _ => ("dollar", "dollars", "cent", "cents"),
        };
        var sign = match.Groups["sign"].Success ? "minus " : string.Empty;
        var whole = match.Groups["int"].Value;
        var fraction = match.Groups["frac"].Value;

        if (match.Groups["scale"].Success)
        {
            // "$1.5 million" -> "one point five million dollars"
            var amount = fraction.Length > 0 ? NumberWords.Decimal(whole, fraction) : NumberWords.Integer(whole);
            return $"{sign}{amount} {Scale(match.Groups["scale"].Value)} {units}";
        }

        if (!TextNormalizer.TryParse(whole, out var wholeValue))
        {
            return match.Value;
        }

        // One fractional digit means tenths: "$12.5" is twelve dollars and fifty cents.
        var cents = fraction.Length switch
        {
            0 => 0,
            1 => (fraction[0] - '0') * 10,
            _ => ((fraction[0] - '0') * 10) + (fraction[1] - '0'),
        };

        var wholePart = $"{NumberWords.Cardinal(wholeValue)} {(wholeValue == 1 ? unit : units)}";
        var centPart = $"{NumberWords.Cardinal(cents)} {(cents == 1 ? subunit : subunits)}";
        return sign + (cents, wholeValue) switch
        {
            (0, _) => wholePart,
            (_, 0) => centPart,
            _ => $"{wholePart} and {centPart}",
        };
    }

    private static string Scale(string scale) => scale switch
    {
        "k" or "K" => "thousand",
        "m" or "M" => "million",
        "b" or "B" or "bn" => "billion",
        _ => scale,
    };
}
