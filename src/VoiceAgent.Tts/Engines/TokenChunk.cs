namespace VoiceAgent.Tts.Engines;

/// <summary>Output of stage 1: a chunk ready for the generator.</summary>
/// <param name="Index">Same index as the <see cref="TextChunk"/> it came from.</param>
/// <param name="Text">The normalized text (engines that synthesize from text, like espeak-ng, use it).</param>
/// <param name="Phonemes">IPA phonemes when the engine asked the frontend for them, else null.</param>
/// <param name="TokenIds">Model token ids; empty for text-driven engines.</param>
/// <param name="IsLast">True for the utterance's final chunk.</param>
public sealed record TokenChunk(int Index, string Text, string? Phonemes, ReadOnlyMemory<long> TokenIds, bool IsLast);
