namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// The espeak-ng language of a Kokoro voice from the first letter of its name (hexgrad/Kokoro-82M VOICES.md:
/// af_heart is American English, bf_emma British, ef_dora Spanish, ...), for packs whose manifest gives none.
/// </summary>
internal static class KokoroLanguages
{
    public static string FromVoiceName(string voiceId) => voiceId.Length == 0 ? "en-us" : voiceId[0] switch
    {
        'b' => "en-gb",
        'e' => "es",
        'f' => "fr-fr",
        'h' => "hi",
        'i' => "it",
        'j' => "ja",
        'p' => "pt-br",
        'z' => "cmn",
        _ => "en-us",
    };
}
