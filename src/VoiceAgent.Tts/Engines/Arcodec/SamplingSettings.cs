namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>How the next token is drawn from the LM's logits (HF transformers semantics).</summary>
/// <param name="Temperature">Divides the logits; 0 = greedy (argmax).</param>
/// <param name="TopK">Keep the k most likely tokens; 0 = all.</param>
/// <param name="TopP">Keep the smallest set whose probability reaches p (nucleus); 1 = all.</param>
/// <param name="RepetitionPenalty">For tokens already generated: positive logits divided, negative multiplied; 1 = off.</param>
internal sealed record SamplingSettings(float Temperature, int TopK, float TopP, float RepetitionPenalty)
{
    public static SamplingSettings Greedy { get; } = new(0f, 0, 1f, 1f);
}
