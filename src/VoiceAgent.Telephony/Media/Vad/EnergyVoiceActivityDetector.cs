namespace VoiceAgent.Telephony.Media.Vad;

/// <summary>
/// Energy and zero-crossing voice activity detection with an adaptive noise floor and hangover:
/// speech starts after <see cref="StartFrames"/> consecutive voiced frames (so a click does not
/// barge in) and stops after <see cref="HangoverFrames"/> unvoiced ones (so pauses between words do
/// not end it). A frame is voiced when its level is well above the noise floor and its
/// zero-crossing rate is not that of hiss. Replaceable by a model-based detector behind the interface.
/// </summary>
public sealed class EnergyVoiceActivityDetector : IVoiceActivityDetector
{
    /// <summary>Voiced frames in a row before speech counts as started (3 x 20 ms).</summary>
    public const int StartFrames = 3;

    /// <summary>Unvoiced frames in a row before speech counts as stopped (15 x 20 ms).</summary>
    public const int HangoverFrames = 15;

    /// <summary>Absolute floor under which nothing is speech (about -50 dBFS).</summary>
    private const double MinimumSpeechRms = 100;

    private double _noiseFloor = MinimumSpeechRms / 2;
    private int _voicedRun;
    private int _unvoicedRun;
    private bool _speaking;

    public bool IsSpeaking => _speaking;

    public VoiceActivityTransition? Process(ReadOnlySpan<short> frame, int sampleRate)
    {
        if (frame.IsEmpty)
        {
            return null;
        }

        double sum = 0;
        var crossings = 0;
        for (var i = 0; i < frame.Length; i++)
        {
            sum += (double)frame[i] * frame[i];
            if (i > 0 && (frame[i] >= 0) != (frame[i - 1] >= 0))
            {
                crossings++;
            }
        }

        var rms = Math.Sqrt(sum / frame.Length);
        // Zero crossings per second: voiced speech stays under ~3000/s; white noise crosses at half the sample rate.
        var crossingRate = crossings * (double)sampleRate / frame.Length;
        var voiced = rms > Math.Max(MinimumSpeechRms, _noiseFloor * 3) && crossingRate < 3000;
        if (!voiced)
        {
            // Track the noise floor only on non-speech frames: fast down, slow up.
            _noiseFloor = rms < _noiseFloor ? (_noiseFloor * 0.7) + (rms * 0.3) : (_noiseFloor * 0.995) + (rms * 0.005);
        }

        if (voiced)
        {
            _voicedRun++;
            _unvoicedRun = 0;
            if (!_speaking && _voicedRun >= StartFrames)
            {
                _speaking = true;
                return VoiceActivityTransition.SpeechStarted;
            }
        }
        else
        {
            _unvoicedRun++;
            _voicedRun = 0;
            if (_speaking && _unvoicedRun >= HangoverFrames)
            {
                _speaking = false;
                return VoiceActivityTransition.SpeechStopped;
            }
        }

        return null;
    }
}
