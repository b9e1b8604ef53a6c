namespace VoiceAgent.Tts.Engines;

/// <summary>Output of stage 3: mono 16-bit PCM at <see cref="SampleRate"/>.</summary>
public sealed record PcmChunk(int Index, ReadOnlyMemory<short> Samples, int SampleRate, bool IsLast);
