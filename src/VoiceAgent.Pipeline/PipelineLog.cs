using Microsoft.Extensions.Logging;

namespace VoiceAgent.Pipeline;

/// <summary>Source-generated log messages of the pipeline (event ids 3000-3999).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(3000, LogLevel.Error, "Stage {Stage} failed a row of session {SessionId}")]
    public static partial void StageRowFailed(ILogger logger, Exception exception, string stage, string sessionId);

    [LoggerMessage(3001, LogLevel.Information, "Utterance {UtteranceId} of session {SessionId}: {ChunkCount} chunks, first chunk {FirstChunkWords} words")]
    public static partial void UtteranceAccepted(ILogger logger, string utteranceId, string sessionId, int chunkCount, int firstChunkWords);

    [LoggerMessage(3002, LogLevel.Warning, "Frontend failed for utterance {UtteranceId} of session {SessionId}")]
    public static partial void FrontendFailed(ILogger logger, Exception exception, string utteranceId, string sessionId);
}
