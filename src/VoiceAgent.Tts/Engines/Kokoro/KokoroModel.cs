using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// The Kokoro ONNX model, checked against the family's contract (MODEL_FORMATS.md 2.1). The exports differ in
/// token input name, speed dtype (float32 or int32) and waveform rank, so all three are read from the metadata
/// here, once. Immutable after <see cref="Open"/>; runs are thread-safe.
/// </summary>
internal sealed class KokoroModel : IDisposable
{
    private readonly OnnxModel _model;
    private readonly string _tokens;
    private readonly string _style;
    private readonly string _speed;
    private readonly string _output;
    private readonly bool _integerSpeed;

    private KokoroModel(OnnxModel model, string tokens, string style, string speed, string output, bool integerSpeed)
    {
        _model = model;
        _tokens = tokens;
        _style = style;
        _speed = speed;
        _output = output;
        _integerSpeed = integerSpeed;
    }

    public OnnxModel Model => _model;

    /// <summary>True for exports with an int32 speed, where only whole multipliers (1, 2) exist.</summary>
    public bool IntegerSpeed => _integerSpeed;

    public static KokoroModel Open(OnnxSessionFactory sessions, string file, KokoroTensorNames names)
    {
        var (session, provider, loadTime) = sessions.Create(file);
        var model = new OnnxModel(file, session, provider, loadTime);
        try
        {
            return Verify(model, names);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static KokoroModel Verify(OnnxModel model, KokoroTensorNames names)
    {
        var file = model.File;
        var tokens = names.Tokens ?? KokoroTensorNames.TokenCandidates.FirstOrDefault(model.Inputs.ContainsKey) ?? KokoroTensorNames.TokenCandidates[0];
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(tokens, TensorElementType.Int64, 2), "input");
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(names.Style, TensorElementType.Float, 2, lastDimension: KokoroVoicePack.StyleSize), "input");
        var speed = ModelContract.Require(file, model.Inputs, new TensorSpec(names.Speed, [TensorElementType.Float, TensorElementType.Int32], [1]), "input");
        ModelContract.RejectUnknownInputs(file, model.Inputs, [tokens, names.Style, names.Speed]);

        var output = names.Output ?? (model.Outputs.ContainsKey(KokoroTensorNames.DefaultOutput) ? KokoroTensorNames.DefaultOutput : model.Outputs.Keys.First());
        ModelContract.Require(file, model.Outputs, new TensorSpec(output, [TensorElementType.Float], [1, 2, 3]), "output");

        // Build the speed tensor from the declared type, not from the input names (kokoro-onnx issues #135, #155).
        return new KokoroModel(model, tokens, names.Style, names.Speed, output, speed.ElementDataType == TensorElementType.Int32);
    }

    /// <summary>Runs the model; returns the float waveform (24 kHz in the real model).</summary>
    /// <param name="inputIds">Token ids with the pads at both ends.</param>
    /// <param name="style">The session's style; the row for <paramref name="phonemeTokens"/> is copied into a pooled buffer.</param>
    public float[] Synthesize(ReadOnlyMemory<long> inputIds, KokoroStyle style, int phonemeTokens, float speed, CancellationToken cancellationToken)
    {
        // The style buffer is rented per run: runs of different sessions are concurrent, so nothing is shared.
        var styleBuffer = ArrayPool<float>.Shared.Rent(KokoroVoicePack.StyleSize);
        try
        {
            var styleMemory = styleBuffer.AsMemory(0, KokoroVoicePack.StyleSize);
            style.CopyStyle(phonemeTokens, styleMemory.Span);
            using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(inputIds), [1, inputIds.Length]);
            using var styleValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, styleMemory, [1, KokoroVoicePack.StyleSize]);
            using var speedValue = _integerSpeed
                ? OrtValue.CreateTensorValueFromMemory(new[] { Math.Max(1, (int)MathF.Round(speed)) }, [1])
                : OrtValue.CreateTensorValueFromMemory(new[] { speed }, [1]);
            return _model.Run([_tokens, _style, _speed], [ids, styleValue, speedValue], _output, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(styleBuffer);
        }
    }

    public void Dispose() => _model.Dispose();
}
