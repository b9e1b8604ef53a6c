namespace VoiceAgent.Tts.Engines;

/// <summary>
/// A TTS engine split into the three pipeline stages of ARCHITECTURE.md. An engine holds models and
/// native handles only; per-call state travels in the arguments (<see cref="VoiceProfile"/>), so one
/// instance serves every session.
/// </summary>
public interface ITtsEngine : IAsyncDisposable
{
    /// <summary>Engine name as used in configuration (<c>Tts:Engine</c>).</summary>
    string Name { get; }

    /// <summary>Sample rate of the PCM this engine produces.</summary>
    int SampleRate { get; }

    /// <summary>Loads and warms up whatever the engine needs. Called once at start-up.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stage 1 (CPU, thread-safe, called concurrently for many sessions): phonemize/tokenize a normalized chunk.</summary>
    TokenChunk Tokenize(TextChunk chunk, VoiceProfile voice);

    /// <summary>Stage 2: generate acoustic units for a batch of chunks, each with its own voice. Results are in batch order.</summary>
    ValueTask<IReadOnlyList<AcousticUnits>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken);

    /// <summary>Stage 3: turn acoustic units into PCM for a batch, each with its own voice. Results are in batch order.</summary>
    ValueTask<IReadOnlyList<PcmChunk>> VocodeAsync(IReadOnlyList<VocodeRequest> batch, CancellationToken cancellationToken);
}

/// <summary>One row of a generator batch.</summary>
public sealed record GenerationRequest(TokenChunk Tokens, VoiceProfile Voice);

/// <summary>One row of a vocoder batch.</summary>
public sealed record VocodeRequest(AcousticUnits Units, VoiceProfile Voice);
