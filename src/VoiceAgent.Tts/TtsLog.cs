using Microsoft.Extensions.Logging;

namespace VoiceAgent.Tts;

/// <summary>The Tts project's log events (stable ids 3000-3099).</summary>
internal static partial class TtsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning,
        Message = "ONNX Runtime execution provider {Provider} is not available ({Reason}); running {File} on the CPU (AllowCpuFallback)")]
    public static partial void ProviderFallback(ILogger logger, string provider, string reason, string file);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Loaded {Engine} model {File} on {Provider} in {LoadMs:F0} ms, warm-up run {WarmUpMs:F1} ms")]
    public static partial void ModelLoaded(ILogger logger, string engine, string file, string provider, double loadMs, double warmUpMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug,
        Message = "Phonemes of chunk {Index} have {Count} symbols the {Engine} voice {Voice} does not know; skipped")]
    public static partial void PhonemesSkipped(ILogger logger, int index, int count, string engine, string voice);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Chunk {Index} has {Count} Kokoro tokens; truncated to {Max}")]
    public static partial void KokoroTruncated(ILogger logger, int index, int count, int max);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Piper pack {Pack} mixes sample rates ({Rates} Hz); each PcmChunk carries its voice's rate")]
    public static partial void PiperMixedRates(ILogger logger, string pack, string rates);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug,
        Message = "Arcodec chunk {Index} reached its token limit after {Frames} frames without the stop token")]
    public static partial void ArcodecTokenLimit(ILogger logger, int index, int frames);
}
