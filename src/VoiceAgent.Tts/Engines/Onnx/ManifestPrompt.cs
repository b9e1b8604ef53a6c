namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Arcodec: a prompt is <c>Begin + voice prompt tokens + tokens(voice prompt text + text) + End</c>.</summary>
/// <param name="Begin">Ids before everything (BOS, start of human).</param>
/// <param name="End">Ids after the text (end of text, start of audio): generation starts right after them.</param>
internal sealed record ManifestPrompt(IReadOnlyList<long>? Begin, IReadOnlyList<long>? End);
