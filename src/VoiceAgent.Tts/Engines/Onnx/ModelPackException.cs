namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>A model pack cannot be used: a file is missing or unreadable, or the manifest or a config is invalid.</summary>
public class ModelPackException : Exception
{
    public ModelPackException(string message, string path, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file (or directory) at fault.</summary>
    public string Path { get; }
}
