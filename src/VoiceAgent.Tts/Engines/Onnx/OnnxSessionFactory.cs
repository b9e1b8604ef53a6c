using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>Creates inference sessions with the configured execution provider and threading.</summary>
internal sealed class OnnxSessionFactory
{
    private const string CudaProvider = "CUDAExecutionProvider";
    private const string TensorRtProvider = "TensorrtExecutionProvider";

    private readonly OnnxEngineOptions _options;
    private readonly ILogger _logger;

    public OnnxSessionFactory(OnnxEngineOptions options, ILogger logger)
    {
        options.Validate();
        _options = options;
        _logger = logger;
    }

    /// <summary>
    /// Where outputs that feed the next run (the arcodec KV cache) should live for <paramref name="provider"/>: the CPU,
    /// or the configured GPU's memory so a CUDA/TensorRT session keeps its cache on the device between steps (UNVERIFIED:
    /// the GPU flavor cannot be restored on the test machines). The caller owns a non-default instance.
    /// </summary>
    public OrtMemoryInfo DeviceMemory(OnnxExecutionProvider provider) => provider == OnnxExecutionProvider.Cpu
        ? OrtMemoryInfo.DefaultInstance
        : new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, _options.DeviceId, OrtMemType.Default);

    /// <summary>Loads <paramref name="file"/>. Returns the provider actually used with the session.</summary>
    public (InferenceSession Session, OnnxExecutionProvider Provider, TimeSpan LoadTime) Create(string file)
    {
        if (!File.Exists(file))
        {
            throw new ModelPackException($"Model file '{file}' does not exist.", file);
        }

        var started = Stopwatch.GetTimestamp();
        var provider = _options.ExecutionProvider;
        if (provider != OnnxExecutionProvider.Cpu && MissingProvider(provider) is { } reason)
        {
            provider = FallBackOrThrow(provider, reason, file);
        }

        try
        {
            return (Open(file, provider), provider, Stopwatch.GetElapsedTime(started));
        }
        catch (OnnxRuntimeException ex) when (provider != OnnxExecutionProvider.Cpu)
        {
            // Listed but unusable (no CUDA/cuDNN/TensorRT libraries, no device): same policy as a missing provider.
            provider = FallBackOrThrow(provider, ex.Message, file);
            return (Open(file, provider), provider, Stopwatch.GetElapsedTime(started));
        }
    }

    private InferenceSession Open(string file, OnnxExecutionProvider provider)
    {
        using var options = CreateOptions(provider);
        try
        {
            return new InferenceSession(file, options);
        }
        catch (OnnxRuntimeException ex) when (provider == OnnxExecutionProvider.Cpu)
        {
            throw new ModelPackException($"Model file '{file}' cannot be loaded by ONNX Runtime: {ex.Message}", file, ex);
        }
    }

    private SessionOptions CreateOptions(OnnxExecutionProvider provider)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = _options.InterOpThreads,
            ExecutionMode = _options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,

            // ORT writes its own warnings to stderr, outside our logging; a model that does not fit is reported by
            // ModelContract with the file and tensor, so only ORT's errors are worth its console output.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        // Idle ORT worker threads spin by default; on 2 cores shared with the media clock that spinning steals the
        // time RTP pacing needs. Only matters when a run uses more than one thread.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        try
        {
            switch (provider)
            {
                case OnnxExecutionProvider.TensorRt:
                    // TensorRT takes what it can; CUDA then CPU run the rest of the graph.
                    options.AppendExecutionProvider_Tensorrt(_options.DeviceId);
                    options.AppendExecutionProvider_CUDA(_options.DeviceId);
                    break;
                case OnnxExecutionProvider.Cuda:
                    options.AppendExecutionProvider_CUDA(_options.DeviceId);
                    break;
            }
        }
        catch
        {
            options.Dispose();
            throw;
        }

        return options;
    }

    private static string? MissingProvider(OnnxExecutionProvider provider)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        var needed = provider == OnnxExecutionProvider.TensorRt ? new[] { TensorRtProvider, CudaProvider } : new[] { CudaProvider };
        var missing = needed.Where(n => !available.Contains(n)).ToArray();
        return missing.Length == 0
            ? null
            : $"this ONNX Runtime build has {string.Join(", ", available)}, not {string.Join(", ", missing)}; build with -p:OnnxRuntimeFlavor=Gpu";
    }

    private OnnxExecutionProvider FallBackOrThrow(OnnxExecutionProvider provider, string reason, string file)
    {
        if (!_options.AllowCpuFallback)
        {
            throw new NotSupportedException(
                $"ONNX Runtime execution provider '{provider}' is not available for '{file}': {reason}. " +
                "Set ExecutionProvider to Cpu, or AllowCpuFallback to true.");
        }

        TtsLog.ProviderFallback(_logger, provider.ToString(), reason, file);
        return OnnxExecutionProvider.Cpu;
    }
}
