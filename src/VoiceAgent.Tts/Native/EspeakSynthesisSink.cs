using System.Buffers;

namespace VoiceAgent.Tts.Native;

/// <summary>
/// Collects the samples of one espeak_Synth call. One instance per request, reached from the native callback through
/// a GCHandle passed as user_data, so concurrent sessions never share a buffer.
/// </summary>
internal sealed class EspeakSynthesisSink(CancellationToken cancellationToken)
{
    private readonly ArrayBufferWriter<short> _samples = new(4096);

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>An exception thrown while handling a callback; it cannot cross the native frame, so it is kept here.</summary>
    public Exception? Failure { get; set; }

    public void Append(ReadOnlySpan<short> samples) => _samples.Write(samples);

    public short[] ToArray() => _samples.WrittenSpan.ToArray();
}
