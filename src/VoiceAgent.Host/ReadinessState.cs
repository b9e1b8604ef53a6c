namespace VoiceAgent.Host;

/// <summary>What start-up has finished: <c>/healthz</c> and <c>/readyz</c> answer 200 only when both are ready.</summary>
internal sealed class ReadinessState
{
    private volatile bool _sipReady;
    private volatile bool _ttsReady;

    public bool SipReady => _sipReady;

    public bool TtsReady => _ttsReady;

    public bool IsReady => _sipReady && _ttsReady;

    public void MarkSipReady() => _sipReady = true;

    public void MarkTtsReady() => _ttsReady = true;
}
