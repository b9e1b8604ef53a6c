using VoiceAgent.Tts.Frontend;

namespace VoiceAgent.Tts.Tests.Frontend;

public sealed class TextNormalizerTests
{
    [Theory]
    // integers
    [InlineData("42", "forty-two")]
    [InlineData("0", "zero")]
    [InlineData("13", "thirteen")]
    [InlineData("100", "one hundred")]
    [InlineData("101", "one hundred one")]
    [InlineData("1,234", "one thousand two hundred thirty-four")]
    [InlineData("1000000", "one million")]
    [InlineData("2,500,000,017", "two billion five hundred million seventeen")]
    [InlineData("-7 degrees", "minus seven degrees")]
    [InlineData("You have 3 new messages.", "You have three new messages.")]
    [InlineData("Code 007", "Code zero zero seven")]
    [InlineData("pages 10-20", "pages ten to twenty")]
    [InlineData("Room A1", "Room A one")]
    // decimals
    [InlineData("3.5", "three point five")]
    [InlineData("0.25", "zero point two five")]
    [InlineData("Version 3.14 is out.", "Version three point one four is out.")]
    // ordinals
    [InlineData("1st", "first")]
    [InlineData("2nd", "second")]
    [InlineData("3rd", "third")]
    [InlineData("22nd", "twenty-second")]
    [InlineData("11th", "eleventh")]
    [InlineData("12th", "twelfth")]
    [InlineData("40th", "fortieth")]
    [InlineData("101st", "one hundred first")]
    // currency
    [InlineData("$12.50", "twelve dollars and fifty cents")]
    [InlineData("$1", "one dollar")]
    [InlineData("$0.99", "ninety-nine cents")]
    [InlineData("$0.01", "one cent")]
    [InlineData("$12.5", "twelve dollars and fifty cents")]
    [InlineData("$1,250.00", "one thousand two hundred fifty dollars")]
    [InlineData("€5", "five euros")]
    [InlineData("€5.10", "five euros and ten cents")]
    [InlineData("£3", "three pounds")]
    [InlineData("£1.01", "one pound and one penny")]
    [InlineData("$2 million", "two million dollars")]
    [InlineData("$1.5M", "one point five million dollars")]
    [InlineData("Your balance is $45.", "Your balance is forty-five dollars.")]
    // percentages
    [InlineData("15%", "fifteen percent")]
    [InlineData("3.5 %", "three point five percent")]
    // times
    [InlineData("3:30 PM", "three thirty PM")]
    [InlineData("10:05", "ten oh five")]
    [InlineData("9:00 am", "nine AM")]
    [InlineData("10:00", "ten o'clock")]
    [InlineData("14:45", "fourteen forty-five")]
    [InlineData("12:15 p.m. works", "twelve fifteen PM works")]
    [InlineData("See you at 9 a.m. Bye.", "See you at nine AM. Bye.")]
    [InlineData("at 3pm", "at three PM")]
    // dates
    [InlineData("2026-11-23", "November twenty-third, twenty twenty-six")]
    [InlineData("11/23/2026", "November twenty-third, twenty twenty-six")]
    [InlineData("1/5/2005", "January fifth, two thousand five")]
    [InlineData("1999-12-31", "December thirty-first, nineteen ninety-nine")]
    [InlineData("2010-07-04", "July fourth, twenty ten")]
    [InlineData("March 3rd", "March third")]
    [InlineData("Dec 25, 2026", "December twenty-fifth, twenty twenty-six")]
    [InlineData("2026-02-30", "two thousand twenty-six to zero two to thirty")]
    // phone numbers
    [InlineData("+1 (555) 123-4567", "plus one, five five five, one two three, four five six seven")]
    [InlineData("(555) 123-4567", "five five five, one two three, four five six seven")]
    [InlineData("555-123-4567", "five five five, one two three, four five six seven")]
    [InlineData("1-800-555-1234", "one, eight zero zero, five five five, one two three four")]
    [InlineData("+44 207 123 4567", "plus four four, two zero seven, one two three, four five six seven")]
    // abbreviations
    [InlineData("Dr. Smith will see you.", "Doctor Smith will see you.")]
    [InlineData("It is on Elm Dr. near the park.", "It is on Elm Drive near the park.")]
    [InlineData("Mr. and Mrs. Jones", "Mister and Missus Jones")]
    [InlineData("St. Louis", "Saint Louis")]
    [InlineData("123 Main St.", "one hundred twenty-three Main Street.")]
    [InlineData("apples, pears, etc.", "apples, pears, et cetera.")]
    [InlineData("fruit, e.g., apples", "fruit, for example, apples")]
    [InlineData("red vs. blue", "red versus blue")]
    [InlineData("approx. 5 min", "approximately five minutes")]
    [InlineData("1 min", "one minute")]
    [InlineData("2 hrs", "two hours")]
    [InlineData("No. 5", "number five")]
    [InlineData("order #42", "order number forty-two")]
    [InlineData("10 km", "ten kilometers")]
    [InlineData("Tom & Jerry", "Tom and Jerry")]
    [InlineData("Write to help@example.com today", "Write to help at example dot com today")]
    // untouched
    [InlineData("Hello, world!", "Hello, world!")]
    [InlineData("  spaced   out  ", "spaced out")]
    [InlineData("", "")]
    public void English_text_is_spoken_as_words(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("de")]
    [InlineData("fr")]
    [InlineData("es")]
    public void Other_languages_pass_through_unchanged(string language) =>
        Assert.Equal("Es ist 3:30 und kostet 12 €.", TextNormalizer.Normalize("Es ist 3:30 und kostet 12 €.", language));

    [Theory]
    [InlineData("en")]
    [InlineData("en-us")]
    [InlineData("en-GB")]
    [InlineData("en-us+f3")]
    public void English_voice_names_select_english_rules(string language) =>
        Assert.Equal("forty-two", TextNormalizer.Normalize("42", language));

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("$99999999999999999999.99")]
    [InlineData("25:99")]
    [InlineData("13/45/2026")]
    [InlineData("::::$$$%%%")]
    [InlineData("1st2nd3rd")]
    public void Odd_input_never_throws(string input)
    {
        var spoken = TextNormalizer.Normalize(input);

        Assert.NotNull(spoken);
    }

    [Fact]
    public void Long_digit_strings_are_read_digit_by_digit() =>
        Assert.Equal("one two three four five six seven eight nine zero one two three four five six", TextNormalizer.Normalize("1234567890123456"));
}
