namespace VoiceAgent.Host;

/// <summary>
/// What start-up has finished: <c>/healthz</c> and <c>/readyz</c> answer 200 only when SIP listens,
/// the TTS engine is warm and the media path has carried its synthetic calls (<c>MediaWarmupService</c>).
/// </summary>
internal sealed class ReadinessState
{
    private volatile bool _sipReady;
    private volatile bool _ttsReady;
    private volatile bool _mediaReady;

    public bool SipReady => _sipReady;

    public bool TtsReady => _ttsReady;

    public bool MediaReady => _mediaReady;

    public bool IsReady => _sipReady && _ttsReady && _mediaReady;

    public void MarkSipReady() => _sipReady = true;

    public void MarkTtsReady() => _ttsReady = true;

    public void MarkMediaReady() => _mediaReady = true;
}
