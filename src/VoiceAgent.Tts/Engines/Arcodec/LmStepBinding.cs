using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The ORT I/O binding of one generation row's LM runs and the buffers it binds, reused for every step: input_ids,
/// position_ids and attention_mask live in arrays rented for the row, sized to its context (grown if a caller goes past it),
/// a decode step's ids and positions are one-element tensors over those arrays bound as they are, the speaker
/// embedding is wrapped once, and a step's logits [1, 1, V] land in a per-row buffer. Rented, not pinned-heap arrays:
/// pinned-heap memory is reclaimed only by full GCs, which allocating it per row triggers; ORT values pin what they wrap. present.* outputs are
/// bound to the CPU device: ORT allocates them per step and they become the next step's past (<see cref="KvCache"/>).
/// Belongs to the row; never shared between sessions.
/// </summary>
internal sealed class LmStepBinding : IDisposable
{
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _stepValues = new(4);
    private readonly List<long[]> _retired = [];
    private bool _disposed;
    private long[] _ids;
    private long[] _positions;
    private long[] _mask;
    private OrtValue? _oneId;
    private OrtValue? _onePosition;
    private OrtValue? _speaker;
    private float[]? _logits;
    private Float16[]? _halfLogits;
    private OrtValue? _stepLogits;
    private bool _logitsInBuffer;

    public LmStepBinding(OrtIoBinding binding, int capacity)
    {
        _binding = binding;
        capacity = Math.Max(capacity, 1);
        _ids = ArrayPool<long>.Shared.Rent(capacity);
        _positions = ArrayPool<long>.Shared.Rent(capacity);
        _mask = NewMask(capacity);
    }

    public OrtIoBinding Binding => _binding;

    /// <summary>The row's run options: a cancelled row's Terminate stays set, which is what a cancelled row wants.</summary>
    public RunOptions RunOptions { get; } = new();

    /// <summary>Writes and binds input_ids, attention_mask and (when the LM has it) position_ids for <paramref name="ids"/> after <paramref name="past"/> cached positions.</summary>
    public void BindTokens(string idsName, string maskName, string? positionsName, ReadOnlySpan<long> ids, int past)
    {
        var count = ids.Length;
        EnsureCapacity(past + count);
        OrtValue idsValue, positionsValue;
        if (count == 1)
        {
            // The decode step: same [1, 1] tensors every step, only their element changes.
            _ids[0] = ids[0];
            _positions[0] = past;
            idsValue = _oneId ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, 1), [1, 1]);
            positionsValue = _onePosition ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, 1), [1, 1]);
        }
        else
        {
            ids.CopyTo(_ids);
            for (var i = 0; i < count; i++)
            {
                _positions[i] = past + i;
            }

            idsValue = Step(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, count), [1, count]));
            positionsValue = Step(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, count), [1, count]));
        }

        _binding.BindInput(idsName, idsValue);
        // The mask is all ones; only its length grows, so each step wraps a longer view of the same buffer.
        _binding.BindInput(maskName, Step(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, past + count), [1, past + count])));
        if (positionsName is not null)
        {
            _binding.BindInput(positionsName, positionsValue);
        }
    }

    /// <summary>Binds speaker_embedding; wrapped once per row (the voice's embedding is immutable, ORT only reads it).</summary>
    public void BindSpeaker(string name, ReadOnlyMemory<float> speaker, int size)
    {
        _speaker ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(speaker[..size]), [1, size]);
        _binding.BindInput(name, _speaker);
    }

    /// <summary>
    /// Binds the logits: a one-position run with a fixed vocabulary writes into the row's buffer; others (the prompt)
    /// get ORT-allocated logits.
    /// </summary>
    public void BindLogits(string name, int positions, int? vocab, TensorElementType type)
    {
        _logitsInBuffer = positions == 1 && vocab is not null;
        if (vocab is not { } v || positions != 1)
        {
            _binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            return;
        }

        if (_stepLogits is null)
        {
            _logits = new float[v];
            if (type == TensorElementType.Float16)
            {
                _halfLogits = new Float16[v];
                _stepLogits = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _halfLogits.AsMemory(), [1, 1, v]);
            }
            else
            {
                _logits = new float[v];
                _stepLogits = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits.AsMemory(), [1, 1, v]);
            }
        }

        _binding.BindOutput(name, _stepLogits);
    }

    /// <summary>
    /// The last position's logits as floats. A step's come back in the row's buffer, reused by the next step: the caller
    /// uses them before it runs the LM again.
    /// </summary>
    public float[] LastLogits(OrtValue logits)
    {
        if (_logitsInBuffer)
        {
            if (_halfLogits is { } half)
            {
                for (var i = 0; i < half.Length; i++)
                {
                    _logits![i] = half[i].ToFloat();
                }
            }

            return _logits!;
        }

        var shape = logits.GetTensorTypeAndShape();
        var vocab = (int)shape.Shape[^1];
        var offset = (int)(shape.ElementCount - vocab);
        if (shape.ElementDataType == TensorElementType.Float16)
        {
            var half = logits.GetTensorDataAsSpan<Float16>().Slice(offset, vocab);
            var result = new float[vocab];
            for (var i = 0; i < vocab; i++)
            {
                result[i] = half[i].ToFloat();
            }

            return result;
        }

        return logits.GetTensorDataAsSpan<float>().Slice(offset, vocab).ToArray();
    }

    /// <summary>Drops the run's bindings of inputs (so the consumed past can be freed) and this step's wrappers.</summary>
    public void EndStep()
    {
        _binding.ClearBoundInputs();
        foreach (var value in _stepValues)
        {
            value.Dispose();
        }

        _stepValues.Clear();
    }

    private OrtValue Step(OrtValue value)
    {
        _stepValues.Add(value);
        return value;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _mask.Length)
        {
            return;
        }

        // Past the row's context (a caller feeding more than the manifest's limits): grow once, doubling.
        var capacity = Math.Max(needed, _mask.Length * 2);
        _oneId?.Dispose();
        _onePosition?.Dispose();
        _oneId = _onePosition = null;
        // The previous arrays may still be wrapped by this step's values: they go back to the pool with the row.
        _retired.Add(_ids);
        _retired.Add(_positions);
        _retired.Add(_mask);
        _ids = ArrayPool<long>.Shared.Rent(capacity);
        _positions = ArrayPool<long>.Shared.Rent(capacity);
        _mask = NewMask(capacity);
    }

    private static long[] NewMask(int capacity)
    {
        var mask = ArrayPool<long>.Shared.Rent(capacity);
        Array.Fill(mask, 1L);
        return mask;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        EndStep();
        _oneId?.Dispose();
        _onePosition?.Dispose();
        _speaker?.Dispose();
        _stepLogits?.Dispose();
        RunOptions.Dispose();
        _binding.Dispose();
        _retired.Add(_ids);
        _retired.Add(_positions);
        _retired.Add(_mask);
        foreach (var array in _retired)
        {
            ArrayPool<long>.Shared.Return(array);
        }

        _retired.Clear();
    }
}
