namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Arcodec: a character tokenizer (docs/neural-engines.md says how a real BPE tokenizer would fit).</summary>
/// <param name="Vocab">JSON object file mapping each character to its token id.</param>
/// <param name="Lowercase">Lowercase the text first (the vocab has no capitals).</param>
internal sealed record ManifestTokenizer(string? Vocab, bool Lowercase);
