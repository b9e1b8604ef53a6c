namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Where ONNX Runtime runs the model. Cuda and TensorRt need the GPU build (OnnxRuntimeFlavor=Gpu).</summary>
public enum OnnxExecutionProvider
{
    Cpu,
    Cuda,
    TensorRt,
}
