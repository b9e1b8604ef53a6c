using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>Piper's tensor names (piper_train export_onnx.py), each overridable in the manifest's <c>io</c>.</summary>
internal sealed record PiperTensorNames(string Input, string InputLengths, string Scales, string SpeakerId, string Output)
{
    public static PiperTensorNames From(ManifestIo? io) => new(
        io?.Input ?? "input",
        io?.InputLengths ?? "input_lengths",
        io?.Scales ?? "scales",
        io?.SpeakerId ?? "sid",
        io?.Output ?? "output");
}
