namespace VoiceAgent.Host.Calls;

/// <summary>How the embedded default names a DTMF key when it says it back.</summary>
internal static class DigitWords
{
    public static string Name(char digit) => digit switch
    {
        '0' => "zero",
        '1' => "one",
        '2' => "two",
        '3' => "three",
        '4' => "four",
        '5' => "five",
        '6' => "six",
        '7' => "seven",
        '8' => "eight",
        '9' => "nine",
        '*' => "star",
        '#' => "hash",
        _ => digit.ToString(),
    };
}
