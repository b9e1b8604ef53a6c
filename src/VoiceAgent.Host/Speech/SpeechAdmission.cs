using System.Diagnostics.Metrics;
using VoiceAgent.Host.Configuration;

namespace VoiceAgent.Host.Speech;

/// <summary>
/// How many speech API requests synthesize at once (Api:MaxConcurrentSpeech). A request over the limit
/// is refused at once (429) instead of queueing: queued requests would hold connections and memory,
/// and the client knows best whether to retry.
/// </summary>
internal sealed class SpeechAdmission(ApiSettings settings)
{
    private static readonly Counter<long> Refused = HostMetrics.Meter.CreateCounter<long>(
        "voiceagent.speech.requests.refused", "{request}", "Speech API requests refused because Api:MaxConcurrentSpeech were synthesizing");

    private int _running;

    public int Limit => settings.MaxConcurrentSpeech;

    /// <summary>Takes a place, or counts a refusal and returns false. Every true must be followed by one <see cref="Leave"/>.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _running) <= settings.MaxConcurrentSpeech)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        Refused.Add(1);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _running);
}
