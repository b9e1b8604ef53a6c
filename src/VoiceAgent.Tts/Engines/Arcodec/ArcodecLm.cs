using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Arcodec;

/// <summary>
/// A decoder-only LM with a KV cache (MODEL_FORMATS.md 3, the Optimum / onnxruntime-genai contract). Layers, KV heads,
/// head size and the cache dtype are read from the InputMetadata once; a model that does not fit fails here naming
/// the file and tensor. Immutable after <see cref="Open"/>; every run has its own inputs, outputs and cache.
/// </summary>
internal sealed class ArcodecLm : IDisposable
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string SpeakerEmbedding = "speaker_embedding";
    public const string Logits = "logits";

    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _firstPastInput;
    private readonly TensorElementType _logitsType;
    private OrtMemoryInfo _kvMemory = OrtMemoryInfo.DefaultInstance;

    private ArcodecLm(OnnxModel model, int layers, int kvHeads, int headDim, TensorElementType kvType, bool hasPositionIds, int speakerSize, int? vocabSize, TensorElementType logitsType)
    {
        Model = model;
        Layers = layers;
        KvHeads = kvHeads;
        HeadDim = headDim;
        KvType = kvType;
        HasPositionIds = hasPositionIds;
        SpeakerSize = speakerSize;
        VocabSize = vocabSize;
        var inputs = new List<string> { InputIds, AttentionMask };
        if (hasPositionIds)
        {
            inputs.Add(PositionIds);
        }

        if (speakerSize > 0)
        {
            inputs.Add(SpeakerEmbedding);
        }

        var outputs = new List<string> { Logits };
        for (var i = 0; i < layers; i++)
        {
            inputs.Add(PastKey(i));
            inputs.Add(PastValue(i));
            outputs.Add(PresentKey(i));
            outputs.Add(PresentValue(i));
        }

        _firstPastInput = inputs.Count - (2 * layers);
        _inputNames = [.. inputs];
        _logitsType = logitsType;
        _outputNames = [.. outputs];
    }

    public OnnxModel Model { get; }

    public int Layers { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    public TensorElementType KvType { get; }

    public bool HasPositionIds { get; }

    /// <summary>Size of speaker_embedding, or 0 when the model does not declare one.</summary>
    public int SpeakerSize { get; }

    /// <summary>The logits' vocabulary when the model declares it fixed.</summary>
    public int? VocabSize { get; }

    public static string PastKey(int layer) => $"past_key_values.{layer}.key";

    public static string PastValue(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKey(int layer) => $"present.{layer}.key";

    public static string PresentValue(int layer) => $"present.{layer}.value";

    public static ArcodecLm Open(OnnxSessionFactory sessions, string file, long requiredVocab)
    {
        var (session, provider, loadTime) = sessions.Create(file);
        var model = new OnnxModel(file, session, provider, loadTime);
        try
        {
            var lm = Verify(model, requiredVocab);
            lm._kvMemory = sessions.DeviceMemory(provider);
            return lm;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ArcodecLm Verify(OnnxModel model, long requiredVocab)
    {
        var file = model.File;
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(InputIds, TensorElementType.Int64, 2), "input");
        ModelContract.Require(file, model.Inputs, TensorSpec.Of(AttentionMask, TensorElementType.Int64, 2), "input");
        var hasPositionIds = model.Inputs.ContainsKey(PositionIds);
        if (hasPositionIds)
        {
            ModelContract.Require(file, model.Inputs, TensorSpec.Of(PositionIds, TensorElementType.Int64, 2), "input");
        }

        var layers = 0;
        while (model.Inputs.ContainsKey(PastKey(layers)))
        {
            layers++;
        }

        if (layers == 0)
        {
            throw new ModelContractException(
                $"Model '{file}' has no KV-cache input '{PastKey(0)}': export the decoder with past key values (Optimum --task text-generation-with-past).",
                file,
                PastKey(0));
        }

        var cacheSpec = new TensorSpec("", [TensorElementType.Float, TensorElementType.Float16], [4]);
        var first = ModelContract.Require(file, model.Inputs, cacheSpec with { Name = PastKey(0) }, "input");
        var kvType = first.ElementDataType;
        var kvHeads = first.Dimensions[1];
        var headDim = first.Dimensions[3];
        if (kvHeads <= 0 || headDim <= 0)
        {
            throw new ModelContractException(
                $"Model '{file}' input '{PastKey(0)}' has shape [{string.Join(",", first.Dimensions)}]; the KV heads (axis 1) and head size (axis 3) must be fixed.",
                file,
                PastKey(0));
        }

        var typedCache = new TensorSpec("", [kvType], [4], headDim);
        for (var i = 0; i < layers; i++)
        {
            foreach (var (name, direction, tensors) in new[]
            {
                (PastKey(i), "input", model.Inputs), (PastValue(i), "input", model.Inputs),
                (PresentKey(i), "output", model.Outputs), (PresentValue(i), "output", model.Outputs),
            })
            {
                var metadata = ModelContract.Require(file, tensors, typedCache with { Name = name }, direction);
                if (metadata.Dimensions[1] >= 0 && metadata.Dimensions[1] != kvHeads)
                {
                    throw new ModelContractException(
                        $"Model '{file}' {direction} '{name}' has {metadata.Dimensions[1]} KV heads; '{PastKey(0)}' has {kvHeads}.", file, name);
                }
            }
        }

        var speakerSize = 0;
        if (model.Inputs.ContainsKey(SpeakerEmbedding))
        {
            var speaker = ModelContract.Require(file, model.Inputs, TensorSpec.Of(SpeakerEmbedding, TensorElementType.Float, 2), "input");
            speakerSize = speaker.Dimensions[^1];
            if (speakerSize <= 0)
            {
                throw new ModelContractException($"Model '{file}' input '{SpeakerEmbedding}' must have a fixed size (last axis).", file, SpeakerEmbedding);
            }
        }

        var known = new List<string> { InputIds, AttentionMask, PositionIds, SpeakerEmbedding };
        for (var i = 0; i < layers; i++)
        {
            known.Add(PastKey(i));
            known.Add(PastValue(i));
        }

        // Merged exports' use_cache_branch and num_logits_to_keep land here, named: not supported yet.
        ModelContract.RejectUnknownInputs(file, model.Inputs, known);

        var logits = ModelContract.Require(file, model.Outputs, new TensorSpec(Logits, [TensorElementType.Float, TensorElementType.Float16], [3]), "output");
        int? vocab = logits.Dimensions[^1] > 0 ? logits.Dimensions[^1] : null;
        if (vocab is { } v && v < requiredVocab)
        {
            throw new ModelContractException(
                $"Model '{file}' output '{Logits}' has a vocabulary of {v}; the manifest's audio tokens and stop token need {requiredVocab}.", file, Logits);
        }

        return new ArcodecLm(model, layers, kvHeads, headDim, kvType, hasPositionIds, speakerSize, vocab, logits.ElementDataType);
    }

    /// <param name="capacity">Positions the row may reach (prompt + new tokens): the step buffers' size.</param>
    public KvCache CreateCache(int capacity = 256) => new(KvType, KvHeads, HeadDim, firstPresentOutput: 1, new LmStepBinding(Model.CreateIoBinding(), capacity));

    /// <summary>
    /// Feeds <paramref name="ids"/> after what <paramref name="cache"/> holds, advances the cache, and returns the
    /// logits of the last position (a fresh array, the caller's).
    /// </summary>
    public float[] Forward(KvCache cache, ReadOnlySpan<long> ids, ReadOnlyMemory<float> speaker, CancellationToken cancellationToken)
    {
        // IOBinding: every input and output is bound to the row's reused buffers or to ORT-allocated device values,
        // so a decode step allocates no arrays (MODEL_FORMATS.md 3; docs/neural-engines.md "IOBinding").
        var step = cache.Step;
        var binding = step.Binding;
        try
        {
            step.BindTokens(InputIds, AttentionMask, HasPositionIds ? PositionIds : null, ids, cache.Length);
            if (SpeakerSize > 0)
            {
                step.BindSpeaker(SpeakerEmbedding, speaker, SpeakerSize);
            }

            for (var slot = 0; slot < 2 * Layers; slot++)
            {
                binding.BindInput(_inputNames[_firstPastInput + slot], cache.Past(slot));
            }

            step.BindLogits(Logits, ids.Length, VocabSize, _logitsType);
            for (var slot = 0; slot < 2 * Layers; slot++)
            {
                // Rebound every step: an output left allocated from the last run would be reused as a fixed buffer,
                // but present.* grows by one position per step.
                binding.BindOutputToDevice(_outputNames[1 + slot], _kvMemory);
            }

            Model.RunWithBinding(step.RunOptions, binding, cancellationToken);
        }
        finally
        {
            // The consumed past is released with the input bindings once the cache below lets go of it.
            step.EndStep();
        }

        var outputs = binding.GetOutputValues();
        float[] last;
        try
        {
            last = step.LastLogits(outputs[0]);
        }
        catch
        {
            outputs.Dispose();
            throw;
        }

        cache.Advance(outputs, ids.Length);
        return last;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_kvMemory, OrtMemoryInfo.DefaultInstance))
        {
            _kvMemory.Dispose();
        }

        Model.Dispose();
    }
}
