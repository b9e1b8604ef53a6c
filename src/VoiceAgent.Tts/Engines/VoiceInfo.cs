namespace VoiceAgent.Tts.Engines;

/// <summary>One selectable voice.</summary>
/// <param name="Id">The value for <see cref="VoiceProfile.Voice"/>, e.g. <c>en_US-lessac-medium</c>, <c>en_US-libritts-high:p123</c>, <c>af_heart</c>.</param>
/// <param name="Engine">Engine name (<c>piper</c>, <c>kokoro</c>).</param>
/// <param name="Language">espeak-ng language used to phonemize for it, e.g. <c>en-us</c>.</param>
/// <param name="SampleRate">Rate of the PCM it produces.</param>
public sealed record VoiceInfo(string Id, string Engine, string Language, int SampleRate);
