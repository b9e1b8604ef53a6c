namespace VoiceAgent.Tts.Engines;

/// <summary>
/// Output of stage 2. Neural engines fill <see cref="Features"/> (codes, mel frames, latents) for
/// the vocoder; engines that synthesize directly (espeak-ng) fill <see cref="Pcm"/> and their
/// vocoder stage passes it through.
/// </summary>
public sealed record AcousticUnits(int Index, ReadOnlyMemory<float> Features, PcmChunk? Pcm, bool IsLast);
