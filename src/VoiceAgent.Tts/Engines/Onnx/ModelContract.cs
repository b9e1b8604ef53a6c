using Microsoft.ML.OnnxRuntime;

namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>
/// Checks a loaded session's InputMetadata/OutputMetadata against a family's tensors. Exports of the same family
/// differ (MODEL_FORMATS.md), so the engines read the metadata instead of trusting names, and a model that does not
/// fit fails at start-up naming the file and the tensor, not with an ORT error on the first call.
/// </summary>
internal static class ModelContract
{
    /// <summary>Returns the metadata of <paramref name="spec"/> among the model's inputs or outputs, checked.</summary>
    public static NodeMetadata Require(string file, IReadOnlyDictionary<string, NodeMetadata> tensors, TensorSpec spec, string direction)
    {
        if (!tensors.TryGetValue(spec.Name, out var metadata))
        {
            throw new ModelContractException(
                $"Model '{file}' has no {direction} '{spec.Name}' (it has: {string.Join(", ", tensors.Keys)}).", file, spec.Name);
        }

        Check(file, metadata, spec, direction);
        return metadata;
    }

    /// <summary>Fails on a model input the family does not feed: ORT would reject every run without it.</summary>
    public static void RejectUnknownInputs(string file, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyCollection<string> known)
    {
        foreach (var name in inputs.Keys)
        {
            if (!known.Contains(name))
            {
                throw new ModelContractException(
                    $"Model '{file}' has an input '{name}' that this engine does not know how to feed (expected: {string.Join(", ", known)}).",
                    file,
                    name);
            }
        }
    }

    private static void Check(string file, NodeMetadata metadata, TensorSpec spec, string direction)
    {
        if (!metadata.IsTensor || !spec.Types.Contains(metadata.ElementDataType))
        {
            var found = metadata.IsTensor ? metadata.ElementDataType.ToString() : metadata.OnnxValueType.ToString();
            throw new ModelContractException(
                $"Model '{file}' {direction} '{spec.Name}' is {found}; expected {string.Join(" or ", spec.Types)}.", file, spec.Name);
        }

        var dimensions = metadata.Dimensions;
        if (!spec.Ranks.Contains(dimensions.Length))
        {
            throw new ModelContractException(
                $"Model '{file}' {direction} '{spec.Name}' has rank {dimensions.Length} [{string.Join(",", dimensions)}]; expected rank {string.Join(" or ", spec.Ranks)}.",
                file,
                spec.Name);
        }

        // -1 is a dynamic dimension: it fits anything.
        if (spec.LastDimension is { } last && dimensions.Length > 0 && dimensions[^1] >= 0 && dimensions[^1] != last)
        {
            throw new ModelContractException(
                $"Model '{file}' {direction} '{spec.Name}' has last dimension {dimensions[^1]}; expected {last}.", file, spec.Name);
        }
    }
}
