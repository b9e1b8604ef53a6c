using Microsoft.ML.OnnxRuntime.Tensors;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>What a model family expects of one input or output.</summary>
/// <param name="Name">Tensor name in the graph.</param>
/// <param name="Types">Accepted element types (Kokoro's speed is float32 in some exports, int32 in others).</param>
/// <param name="Ranks">Accepted ranks (Piper's output is rank 4 in real exports, rank 3 in others).</param>
/// <param name="LastDimension">Required size of the last dimension when the model declares it fixed, else null.</param>
internal sealed record TensorSpec(string Name, TensorElementType[] Types, int[] Ranks, int? LastDimension = null)
{
    public static TensorSpec Of(string name, TensorElementType type, int rank, int? lastDimension = null) =>
        new(name, [type], [rank], lastDimension);
}
