using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Piper;

/// <summary>
/// One Piper voice: its config, and once opened, its ONNX model checked against the Piper contract (MODEL_FORMATS.md
/// 1.1). Immutable after <see cref="Open"/>; runs are thread-safe.
/// </summary>
internal sealed class PiperVoiceModel : IDisposable
{
    private readonly PiperTensorNames _names;
    private OnnxModel? _model;
    private bool _hasSpeakerInput;
    private string _outputName = "";

    public PiperVoiceModel(string id, string modelFile, PiperVoiceConfig config, string language, PiperTensorNames names)
    {
        Id = id;
        ModelFile = modelFile;
        Config = config;
        Language = language;
        _names = names;
    }

    public string Id { get; }

    public string ModelFile { get; }

    public PiperVoiceConfig Config { get; }

    public string Language { get; }

    public OnnxModel Model => _model ?? throw new InvalidOperationException($"Piper voice '{Id}' is not loaded; call InitializeAsync first.");

    /// <summary>Loads the model and checks its inputs and outputs. Called once, from the engine's initialization.</summary>
    public void Open(OnnxSessionFactory sessions)
    {
        var (session, provider, loadTime) = sessions.Create(ModelFile);
        var model = new OnnxModel(ModelFile, session, provider, loadTime);
        try
        {
            Verify(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        _model = model;
    }

    private void Verify(OnnxModel model)
    {
        var file = model.File;
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(_names.Input, TensorElementType.Int64, 2), "input");
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(_names.InputLengths, TensorElementType.Int64, 1), "input");
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(_names.Scales, TensorElementType.Float, 1, lastDimension: 3), "input");

        // The export only adds sid when the voice has several speakers; trust the graph, but a multi-speaker config
        // whose model cannot take a speaker is a mismatched pair of files.
        _hasSpeakerInput = model.Inputs.ContainsKey(_names.SpeakerId);
        if (_hasSpeakerInput)
        {
            ModelContract.Require(file, model.Inputs, TensorSpec.Of(_names.SpeakerId, TensorElementType.Int64, 1), "input");
        }
        else if (Config.NumSpeakers > 1)
        {
            throw new ModelContractException(
                $"Model '{file}' has no input '{_names.SpeakerId}' but its config lists {Config.NumSpeakers} speakers.", file, _names.SpeakerId);
        }

        ModelContract.RejectUnknownInputs(file, model.Inputs, [_names.Input, _names.InputLengths, _names.Scales, _names.SpeakerId]);

        // Real exports give [1,1,1,T], others [1,1,T] or [1,T]: every reader takes the last dimension as samples.
        _outputName = model.Outputs.ContainsKey(_names.Output) || model.Outputs.Count != 1 ? _names.Output : model.Outputs.Keys.First();
        ModelContract.Require(file, model.Outputs, new TensorSpec(_outputName, [TensorElementType.Float], [1, 2, 3, 4]), "output");
    }

    /// <summary>Runs the voice on phoneme ids; returns float audio at <see cref="PiperVoiceConfig.SampleRate"/>.</summary>
    public float[] Synthesize(ReadOnlyMemory<long> ids, long speakerId, ReadOnlyMemory<float> scales, CancellationToken cancellationToken)
    {
        var model = Model;
        var length = new[] { (long)ids.Length };
        var sid = new[] { speakerId };

        // Inputs wrap the callers' arrays (ORT never writes its inputs), so the ids and scales are not copied.
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(ids), [1, ids.Length]);
        using var lengths = OrtValue.CreateTensorValueFromMemory(length, [1]);
        using var scaleValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(scales), [3]);
        using var sidValue = OrtValue.CreateTensorValueFromMemory(sid, [1]);
        if (_hasSpeakerInput)
        {
            return model.Run([_names.Input, _names.InputLengths, _names.Scales, _names.SpeakerId], [input, lengths, scaleValue, sidValue], _outputName, cancellationToken);
        }

        return model.Run([_names.Input, _names.InputLengths, _names.Scales], [input, lengths, scaleValue], _outputName, cancellationToken);
    }

    public void Dispose() => _model?.Dispose();
}
