namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>One voice of a pack.</summary>
/// <param name="Id">Voice id as clients select it.</param>
/// <param name="Model">Piper: the voice's .onnx file.</param>
/// <param name="Config">Piper: its .onnx.json (default: model + ".json").</param>
/// <param name="File">Kokoro: the voice pack, [510,1,256] float32 (.bin raw little-endian, or .npy).</param>
/// <param name="Language">espeak-ng voice for phonemization; Piper defaults to the config's espeak.voice,
/// Kokoro to the language of the voice name's first letter (a = en-us, b = en-gb, ...).</param>
internal sealed record ManifestVoice(string Id, string? Model, string? Config, string? File, string? Language)
{
    /// <summary>Arcodec: token ids put before the text in every prompt (a reference clip's codes, speaker tokens).</summary>
    public IReadOnlyList<long>? PromptTokens { get; init; }

    /// <summary>Arcodec: text put before the utterance's text and tokenized with it (Orpheus' "tara: ").</summary>
    public string? PromptText { get; init; }

    /// <summary>Arcodec: speaker embedding file (headerless little-endian float32) when the LM declares one.</summary>
    public string? Embedding { get; init; }

    /// <summary>Arcodec: sampling seed when the session's <see cref="VoiceProfile.Seed"/> is null.</summary>
    public long? Seed { get; init; }
}
