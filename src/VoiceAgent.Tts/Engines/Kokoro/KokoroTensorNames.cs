using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// Kokoro's tensor names, each overridable in the manifest's <c>io</c>. Null token/output names are found in the model:
/// <c>input_ids</c> (current exports) or <c>tokens</c> (older ones); <c>waveform</c> or else the first output.
/// </summary>
internal sealed record KokoroTensorNames(string? Tokens, string Style, string Speed, string? Output)
{
    public static readonly string[] TokenCandidates = ["input_ids", "tokens"];

    public const string DefaultOutput = "waveform";

    public static KokoroTensorNames From(ManifestIo? io) => new(io?.Tokens, io?.Style ?? "style", io?.Speed ?? "speed", io?.Output);
}
