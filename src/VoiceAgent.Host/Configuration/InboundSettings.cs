namespace VoiceAgent.Host.Configuration;

/// <summary>The <c>Inbound</c> section: what the embedded default says to callers, and the voice per called number.</summary>
/// <param name="Greeting">Spoken when a call is answered (Inbound:Greeting).</param>
/// <param name="Goodbye">Spoken before the host hangs up after '#' (Inbound:Goodbye).</param>
/// <param name="Voices">Inbound:Voices:&lt;number&gt;: the voice of calls to that number (else Tts:Voice).</param>
internal sealed record InboundSettings(string Greeting, string Goodbye, IReadOnlyDictionary<string, string>? Voices = null)
{
    /// <summary>The configured voice for calls to <paramref name="number"/>, or null for the default voice.</summary>
    public string? VoiceFor(string? number) => number is not null && Voices?.TryGetValue(number, out var voice) == true ? voice : null;
}
