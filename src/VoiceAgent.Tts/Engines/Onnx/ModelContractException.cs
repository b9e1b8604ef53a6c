namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>
/// An ONNX model loads but does not fit its family: an input or output is missing, extra, or has the wrong element
/// type or shape. Thrown at start-up, never per request.
/// </summary>
public sealed class ModelContractException : ModelPackException
{
    public ModelContractException(string message, string path, string tensorName)
        : base(message, path)
    {
        TensorName = tensorName;
    }

    /// <summary>The model input or output that does not fit.</summary>
    public string TensorName { get; }
}
