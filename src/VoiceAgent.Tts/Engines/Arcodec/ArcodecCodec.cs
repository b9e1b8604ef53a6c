using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// The codec decoder: codes [1, Q, T] int64 to audio [1, 1, T * hop] float32 (rank 2 accepted). Immutable after
/// <see cref="Open"/>; runs are thread-safe.
/// </summary>
internal sealed class ArcodecCodec : IDisposable
{
    public const string DefaultInput = "codes";
    public const string DefaultOutput = "audio";

    private readonly string _input;
    private readonly string _output;

    private ArcodecCodec(OnnxModel model, string input, string output, int codebooks, int hopLength, int outputRank)
    {
        OutputRank = outputRank;
        Model = model;
        _input = input;
        _output = output;
        Codebooks = codebooks;
        HopLength = hopLength;
    }

    public OnnxModel Model { get; }

    public int Codebooks { get; }

    public int HopLength { get; }

    public string InputName => _input;

    public string OutputName => _output;

    /// <summary>Rank of the audio output as declared: 3 ([1, 1, samples]) or 2 ([1, samples]).</summary>
    public int OutputRank { get; }

    public static ArcodecCodec Open(OnnxSessionFactory sessions, string file, ManifestCodec settings)
    {
        var (session, provider, loadTime) = sessions.Create(file);
        var model = new OnnxModel(file, session, provider, loadTime);
        try
        {
            var input = settings.Input ?? DefaultInput;
            var output = settings.Output ?? DefaultOutput;
            var codes = ModelContract.Require(file, model.Inputs, TensorSpec.Of(input, TensorElementType.Int64, 3), "input");
            if (codes.Dimensions[1] >= 0 && codes.Dimensions[1] != settings.Codebooks)
            {
                throw new ModelContractException(
                    $"Model '{file}' input '{input}' has {codes.Dimensions[1]} codebooks (axis 1); the manifest says {settings.Codebooks}.", file, input);
            }

            ModelContract.RejectUnknownInputs(file, model.Inputs, [input]);
            var audio = ModelContract.Require(file, model.Outputs, new TensorSpec(output, [TensorElementType.Float], [2, 3]), "output");
            return new ArcodecCodec(model, input, output, settings.Codebooks, settings.HopLength, audio.Dimensions.Length);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Decodes frames [<paramref name="start"/>, start + count) of frame-major <paramref name="codes"/> (Q per frame).</summary>
    public float[] Decode(ReadOnlySpan<long> codes, int start, int count, CancellationToken cancellationToken)
    {
        var input = new long[Codebooks * count];
        Transpose(codes, start, count, Codebooks, input);

        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, Codebooks, count]);
        var audio = Model.Run([_input], [value], _output, cancellationToken);
        if (audio.Length != count * HopLength)
        {
            throw new ModelContractException(
                $"Model '{Model.File}' output '{_output}' has {audio.Length} samples for {count} frames; the manifest's hopLength {HopLength} says {count * HopLength}.",
                Model.File,
                _output);
        }

        return audio;
    }

    /// <summary>Frame-major as generated ([T, Q]) to the codec's codebook-major [1, Q, T].</summary>
    public static void Transpose(ReadOnlySpan<long> codes, int start, int count, int codebooks, Span<long> destination)
    {
        for (var t = 0; t < count; t++)
        {
            for (var q = 0; q < codebooks; q++)
            {
                destination[(q * count) + t] = codes[((start + t) * codebooks) + q];
            }
        }
    }

    public void Dispose() => Model.Dispose();
}
