using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The KV cache of one generation row: the previous step's present.{i}.key/.value outputs, kept ORT-owned and fed back
/// as past_key_values.{i}.* without a copy, and the row's I/O binding and step buffers (<see cref="LmStepBinding"/>).
/// Belongs to the row (never the engine); disposed with it.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly OrtValue _empty;
    private readonly int _firstPresentOutput;
    private IDisposableReadOnlyCollection<OrtValue>? _outputs;

    /// <param name="elementType">float32 or float16, as the LM declares its past inputs.</param>
    /// <param name="firstPresentOutput">Index of present.0.key among the run's outputs (after the logits).</param>
    public KvCache(TensorElementType elementType, int kvHeads, int headDim, int firstPresentOutput, LmStepBinding step)
    {
        Step = step;
        // MODEL_FORMATS.md 3: the first step gets zero-length past tensors [1, kv_heads, 0, head_dim].
        _empty = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, [1, kvHeads, 0, headDim]);
        _firstPresentOutput = firstPresentOutput;
    }

    public LmStepBinding Step { get; }

    /// <summary>Positions already in the cache (prompt plus generated tokens fed so far).</summary>
    public int Length { get; private set; }

    /// <summary>Past value for slot 2*layer (key) or 2*layer+1 (value).</summary>
    public OrtValue Past(int slot) => _outputs is null ? _empty : _outputs[_firstPresentOutput + slot];

    /// <summary>Takes ownership of a run's outputs; the previous step's are freed (their past has been consumed).</summary>
    public void Advance(IDisposableReadOnlyCollection<OrtValue> outputs, int addedPositions)
    {
        var previous = _outputs;
        _outputs = outputs;
        Length += addedPositions;
        previous?.Dispose();
    }

    public void Dispose()
    {
        _outputs?.Dispose();
        _outputs = null;
        _empty.Dispose();
        Step.Dispose();
    }
}
