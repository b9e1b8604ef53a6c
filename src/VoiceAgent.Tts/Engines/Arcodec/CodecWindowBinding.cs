using Microsoft.ML.OnnxRuntime;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The codec runs of one row's full windows through an ORT I/O binding: codes [1, Q, W] and audio [1, 1, W * hop]
/// (or [1, W * hop]) are pinned per-row buffers bound once, so each window writes its codes in place, runs, and reads
/// the audio where it landed, allocating nothing. The audio buffer is overwritten by the next window. Belongs to the row.
/// </summary>
internal sealed class CodecWindowBinding : IDisposable
{
    private readonly ArcodecCodec _codec;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly long[] _codes;
    private readonly float[] _audio;
    private readonly OrtValue _codesValue;
    private readonly OrtValue _audioValue;

    public CodecWindowBinding(ArcodecCodec codec, int frames)
    {
        _codec = codec;
        Frames = frames;
        _codes = GC.AllocateArray<long>(codec.Codebooks * frames, pinned: true);
        _audio = GC.AllocateArray<float>(frames * codec.HopLength, pinned: true);
        _codesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _codes.AsMemory(), [1, codec.Codebooks, frames]);
        long[] audioShape = codec.OutputRank == 2 ? [1, _audio.Length] : [1, 1, _audio.Length];
        _audioValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _audio.AsMemory(), audioShape);
        _binding = codec.Model.CreateIoBinding();
        _binding.BindInput(codec.InputName, _codesValue);
        _binding.BindOutput(codec.OutputName, _audioValue);
    }

    /// <summary>Frames per window this binding decodes.</summary>
    public int Frames { get; }

    /// <summary>Decodes frames [<paramref name="start"/>, start + <see cref="Frames"/>); the result is this binding's buffer.</summary>
    public float[] Decode(ReadOnlySpan<long> codes, int start, CancellationToken cancellationToken)
    {
        ArcodecCodec.Transpose(codes, start, Frames, _codec.Codebooks, _codes);
        try
        {
            _codec.Model.RunWithBinding(_runOptions, _binding, cancellationToken);
        }
        catch (OnnxRuntimeException) when (!cancellationToken.IsCancellationRequested)
        {
            // A codec whose samples per frame differ from the manifest's hopLength fails the bound output's shape;
            // the unbound decode names the file, tensor and numbers.
            return _codec.Decode(codes, start, Frames, cancellationToken);
        }

        return _audio;
    }

    public void Dispose()
    {
        _binding.Dispose();
        _codesValue.Dispose();
        _audioValue.Dispose();
        _runOptions.Dispose();
    }
}
