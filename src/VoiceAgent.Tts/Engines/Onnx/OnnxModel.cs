using Microsoft.ML.OnnxRuntime;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>
/// One loaded ONNX model. Owns its <see cref="InferenceSession"/>; Run is thread-safe (ORT sessions allow concurrent
/// runs), and every run has its own inputs and outputs, so sessions of different calls never share a buffer.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxModel(string file, InferenceSession session, OnnxExecutionProvider provider, TimeSpan loadTime)
    {
        File = file;
        _session = session;
        Provider = provider;
        LoadTime = loadTime;
    }

    public string File { get; }

    public OnnxExecutionProvider Provider { get; }

    public TimeSpan LoadTime { get; }

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>
    /// Runs the model and returns a copy of <paramref name="outputName"/> as floats (the copy is the caller's: the
    /// ORT-owned output is freed here). Cancellation sets RunOptions.Terminate, which stops the run between kernels.
    /// </summary>
    public float[] Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, string outputName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            using var outputs = _session.Run(runOptions, inputNames, inputs, [outputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }
    }

    /// <summary>
    /// Runs the model and returns every requested output, ORT-owned: the caller disposes the collection (the arcodec
    /// LM keeps its present.* values alive as the next step's past, with no copy).
    /// </summary>
    public IDisposableReadOnlyCollection<OrtValue> RunAll(
        IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            return _session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }
    }

    /// <summary>A binding of this model's inputs and outputs to pre-allocated values; one per row, never shared.</summary>
    public OrtIoBinding CreateIoBinding() => _session.CreateIoBinding();

    /// <summary>
    /// Runs the model on what <paramref name="binding"/> holds; outputs land in the bound values (or, for outputs bound
    /// to a device, in values the binding allocates). <paramref name="runOptions"/> belongs to the row: cancellation sets
    /// its Terminate, which stops this run and every later one of the row.
    /// </summary>
    public void RunWithBinding(RunOptions runOptions, OrtIoBinding binding, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            _session.RunWithBinding(runOptions, binding);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }
    }

    public void Dispose() => _session.Dispose();
}
