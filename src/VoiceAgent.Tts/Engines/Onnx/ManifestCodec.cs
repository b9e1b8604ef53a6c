namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Arcodec: the codec decoder (codes [1, Codebooks, T] int64 to audio [1, 1, T * HopLength] float32).</summary>
/// <param name="Model">The decoder's .onnx file.</param>
/// <param name="Codebooks">Q, codes per frame.</param>
/// <param name="CodebookSize">Codes per codebook.</param>
/// <param name="HopLength">Samples per frame.</param>
/// <param name="WindowFrames">Frames decoded per window; the first audio waits for this many.</param>
/// <param name="OverlapFrames">Frames shared by consecutive windows and crossfaded (at most half a window).</param>
/// <param name="Input">Input name, default <c>codes</c>.</param>
/// <param name="Output">Output name, default <c>audio</c>.</param>
internal sealed record ManifestCodec(
    string? Model,
    int Codebooks,
    int CodebookSize,
    int HopLength,
    int WindowFrames,
    int OverlapFrames,
    string? Input,
    string? Output);
