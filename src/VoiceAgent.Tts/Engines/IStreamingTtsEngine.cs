namespace VoiceAgent.Tts.Engines;

/// <summary>
/// Optional: an engine that can stream within a chunk (stages 2 and 3 interleaved for one row), as autoregressive
/// LM + codec engines do. The pipeline uses it when an engine implements it and gets PCM every codec window instead
/// of once per chunk; engines that do not implement it keep the one-result-per-row <see cref="ITtsEngine"/> stages.
/// </summary>
public interface IStreamingTtsEngine : ITtsEngine
{
    /// <summary>
    /// The PCM of one chunk, in order, as it becomes ready. Every piece carries the chunk's <see cref="TokenChunk.Index"/>;
    /// only the final piece of a chunk with <see cref="TokenChunk.IsLast"/> has <see cref="PcmChunk.IsLast"/> set. The
    /// pieces concatenate to what <see cref="ITtsEngine.VocodeAsync"/> of <see cref="ITtsEngine.GenerateAsync"/> gives.
    /// All row state (KV cache, sampler) lives in the enumeration and is freed when it is disposed; cancelling stops
    /// this row only. The caller enumerates one row at a time per enumerator, never concurrently.
    /// </summary>
    IAsyncEnumerable<PcmChunk> StreamAsync(TokenChunk tokens, VoiceProfile voice, CancellationToken cancellationToken);
}
