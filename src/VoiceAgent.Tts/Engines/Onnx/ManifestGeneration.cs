namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Arcodec: how LM tokens map to codec codes, when generation stops, and how tokens are sampled.</summary>
/// <param name="AudioTokenOffset">Id of code 0 of codebook 0; the k-th audio token is <c>offset + (k % Q) * codebookSize + code</c>.</param>
/// <param name="StopToken">The end-of-audio id; only accepted at a frame boundary.</param>
/// <param name="MinNewTokens">The stop token is masked until this many tokens were generated (default 0).</param>
/// <param name="MaxNewTokens">Hard bound per chunk.</param>
/// <param name="ContextLength">The LM's positions; prompt + max new tokens must fit (default: unchecked).</param>
/// <param name="Temperature">0 = greedy.</param>
/// <param name="TopK">0 = off.</param>
/// <param name="TopP">1 = off.</param>
/// <param name="RepetitionPenalty">1 = off (HF semantics: positive logits divided, negative multiplied).</param>
internal sealed record ManifestGeneration(
    long AudioTokenOffset,
    long StopToken,
    int MinNewTokens,
    int MaxNewTokens,
    int? ContextLength,
    float? Temperature,
    int? TopK,
    float? TopP,
    float? RepetitionPenalty);
