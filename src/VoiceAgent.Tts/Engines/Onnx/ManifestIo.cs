namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Optional tensor-name overrides; null keeps the family default.</summary>
internal sealed record ManifestIo(
    string? Input,
    string? InputLengths,
    string? Scales,
    string? SpeakerId,
    string? Tokens,
    string? Style,
    string? Speed,
    string? Output);
