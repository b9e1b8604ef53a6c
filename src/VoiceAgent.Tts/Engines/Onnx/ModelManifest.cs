namespace VoiceAgent.Tts.Engines.Onnx;

/// <summary>
/// A model pack's <c>manifest.json</c> (format in docs/neural-engines.md). Paths are relative to the manifest's
/// directory; <see cref="ModelManifestReader"/> resolves and checks them.
/// </summary>
/// <param name="Engine"><c>piper</c>, <c>kokoro</c> or <c>arcodec</c>.</param>
/// <param name="Model">Kokoro: the one model file shared by every voice; arcodec: the decoder LM. Piper: unused (one model per voice).</param>
/// <param name="SampleRate">Output rate; Piper reads each voice's from its .onnx.json, Kokoro defaults to 24000.</param>
/// <param name="Voices">The voices in the pack.</param>
/// <param name="Io">Tensor names when an export differs from the family's usual names.</param>
internal sealed record ModelManifest(
    string Engine,
    string? Model,
    int? SampleRate,
    IReadOnlyList<ManifestVoice> Voices,
    ManifestIo? Io)
{
    /// <summary>Arcodec: the text tokenizer.</summary>
    public ManifestTokenizer? Tokenizer { get; init; }

    /// <summary>Arcodec: the token ids around every prompt.</summary>
    public ManifestPrompt? Prompt { get; init; }

    /// <summary>Arcodec: the audio token layout, stop token, limits and sampling.</summary>
    public ManifestGeneration? Generation { get; init; }

    /// <summary>Arcodec: the codec decoder and its streaming windows.</summary>
    public ManifestCodec? Codec { get; init; }

    /// <summary>Directory the manifest was read from (absolute).</summary>
    public string Directory { get; init; } = "";

    /// <summary>Full path of the manifest file.</summary>
    public string FilePath { get; init; } = "";

    /// <summary>Absolute path of a file named in the manifest.</summary>
    public string Resolve(string relativePath) => Path.GetFullPath(Path.Combine(Directory, relativePath));
}
