namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>How the neural engines run their models. Bound from configuration (<c>Tts:Onnx</c>) and validated at start-up.</summary>
public sealed class OnnxEngineOptions
{
    /// <summary>cpu (default), cuda or tensorrt.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>When the requested provider is not available: false (default) fails start-up, true logs a warning and uses the CPU.</summary>
    public bool AllowCpuFallback { get; init; }

    /// <summary>GPU ordinal for cuda/tensorrt.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// Threads one model run may use. 1 by default: the server shares its 2 cores with the RTP media clock, and
    /// the pipeline already runs sessions in parallel; a second intra-op thread mostly spins against it.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Threads for running independent graph branches in parallel; 1 = sequential execution (the graphs are chains).</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>espeak-ng-data directory for the phonemizer, or null to let the library find it.</summary>
    public string? EspeakDataPath { get; init; }

    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Use cpu, cuda or tensorrt.");
        }

        if (IntraOpThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Use 1 to 64 threads.");
        }

        if (InterOpThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Use 1 to 64 threads.");
        }

        if (DeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "The GPU ordinal cannot be negative.");
        }
    }
}
