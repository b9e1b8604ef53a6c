namespace VoiceAgent.Tts.Engines;

/// <summary>One normalized piece of an utterance, the unit that flows through the three stages.</summary>
/// <param name="Index">Position within the utterance, starting at 0.</param>
/// <param name="Text">Normalized text (numbers, dates, abbreviations already spelled out).</param>
/// <param name="IsLast">True for the utterance's final chunk.</param>
public sealed record TextChunk(int Index, string Text, bool IsLast);
