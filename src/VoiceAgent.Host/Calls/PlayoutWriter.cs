using VoiceAgent.Host.Audio;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Calls;

/// <summary>
/// The writer in front of a call's <see cref="PlayoutBuffer"/> (a provider chain as in NAudio): PCM
/// at the source's rate goes in, PCM at the codec's rate goes to the buffer. One writer per source
/// (an utterance, a file, a media stream): its filter state belongs to that source only.
/// </summary>
internal sealed class PlayoutWriter(PlayoutBuffer playout, int inputRate) : IDisposable
{
    private readonly PcmRateConverter _converter = new(inputRate, playout.SampleRate);

    public int InputRate => _converter.InputRate;

    /// <summary>Converts and queues <paramref name="pcm"/>; waits while the buffer is full (its backpressure).</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<short> pcm, CancellationToken cancellationToken)
        => playout.WriteAsync(_converter.Convert(pcm.Span), cancellationToken);

    /// <summary>Queues what the filter still holds: the end of the source.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
        => playout.WriteAsync(_converter.Flush(), cancellationToken);

    /// <summary>Forgets the filter's history after the audio it came from was cleared.</summary>
    public void Reset() => _converter.Reset();

    public void Dispose() => _converter.Dispose();
}
