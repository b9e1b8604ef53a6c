using System.Globalization;
using System.Text;

namespace VoiceAgent.Tts.Frontend;

/// <summary>English number words in American style ("one hundred twenty-three", no "and").</summary>
internal static class NumberWords
{
    private static readonly string[] Ones =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly (long Value, string Name)[] Scales =
    [
        (1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"),
    ];

    /// <summary>Largest value spoken as a number; longer digit strings are read digit by digit.</summary>
    public const long MaxCardinal = 999_999_999_999_999;

    public static string Cardinal(long value)
    {
        if (value < 0)
        {
            return "minus " + Cardinal(-value);
        }

        if (value < 20)
        {
            return Ones[value];
        }

        var builder = new StringBuilder();
        AppendCardinal(builder, value);
        return builder.ToString();
    }

    public static string Ordinal(long value)
    {
        var cardinal = Cardinal(value);
        var split = Math.Max(cardinal.LastIndexOf(' '), cardinal.LastIndexOf('-')) + 1;
        var last = cardinal[split..];
        var ordinal = last switch
        {
            "one" => "first",
            "two" => "second",
            "three" => "third",
            "five" => "fifth",
            "eight" => "eighth",
            "nine" => "ninth",
            "twelve" => "twelfth",
            _ when last.EndsWith('y') => last[..^1] + "ieth",
            _ => last + "th",
        };
        return cardinal[..split] + ordinal;
    }

    /// <summary>"2026" -> "twenty twenty-six", "2005" -> "two thousand five", "1900" -> "nineteen hundred".</summary>
    public static string Year(int year)
    {
        if (year is < 1000 or > 9999 || (year >= 2000 && year < 2010) || year % 1000 == 0)
        {
            return Cardinal(year);
        }

        var high = year / 100;
        var low = year % 100;
        return low switch
        {
            0 => Cardinal(high) + " hundred",
            < 10 => Cardinal(high) + " oh " + Cardinal(low),
            _ => Cardinal(high) + " " + Cardinal(low),
        };
    }

    /// <summary>"4567" -> "four five six seven"; non-digits are skipped.</summary>
    public static string Digits(ReadOnlySpan<char> digits)
    {
        var builder = new StringBuilder();
        foreach (var c in digits)
        {
            if (char.IsAsciiDigit(c))
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(Ones[c - '0']);
            }
        }

        return builder.ToString();
    }

    /// <summary>An integer as written ("1,234", "007", "-5"): cardinal, or digit by digit when it has a leading zero or is too long.</summary>
    public static string Integer(string text)
    {
        var negative = text.StartsWith('-') || text.StartsWith('−');
        var digits = text.TrimStart('-', '−').Replace(",", string.Empty, StringComparison.Ordinal);
        if ((digits.Length > 1 && digits[0] == '0') || digits.Length > 15
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (negative ? "minus " : string.Empty) + Digits(digits);
        }

        return Cardinal(negative ? -value : value);
    }

    /// <summary>"3.14" -> "three point one four".</summary>
    public static string Decimal(string integerPart, string fractionPart) =>
        Integer(integerPart.Length == 0 ? "0" : integerPart) + " point " + Digits(fractionPart);

    private static void AppendCardinal(StringBuilder builder, long value)
    {
        foreach (var (scale, name) in Scales)
        {
            if (value >= scale)
            {
                AppendBelowThousand(builder, (int)(value / scale));
                builder.Append(' ').Append(name);
                value %= scale;
            }
        }

        if (value > 0)
        {
            AppendBelowThousand(builder, (int)value);
        }
    }

    private static void AppendBelowThousand(StringBuilder builder, int value)
    {
        if (builder.Length > 0)
        {
            builder.Append(' ');
        }

        if (value >= 100)
        {
            builder.Append(Ones[value / 100]).Append(" hundred");
            value %= 100;
            if (value == 0)
            {
                return;
            }

            builder.Append(' ');
        }

        if (value < 20)
        {
            builder.Append(Ones[value]);
        }
        else
        {
            builder.Append(Tens[value / 10]);
            if (value % 10 != 0)
            {
                builder.Append('-').Append(Ones[value % 10]);
            }
        }
    }
}
