using VoiceAgent.Telephony.Media.Vad;

namespace VoiceAgent.Telephony.Tests.Media;

public sealed class EnergyVoiceActivityDetectorTests
{
    private static short[] Frame(double amplitude, double frequency, int seed = 0)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 160).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000) + random.Next(-30, 30)))];
    }

    private static List<(int Frame, VoiceActivityTransition Transition)> Run(IEnumerable<short[]> frames)
    {
        var vad = new EnergyVoiceActivityDetector();
        var events = new List<(int, VoiceActivityTransition)>();
        var index = 0;
        foreach (var frame in frames)
        {
            if (vad.Process(frame, 8000) is { } t)
            {
                events.Add((index, t));
            }

            index++;
        }

        return events;
    }

    [Fact]
    public void Speech_starts_after_three_voiced_frames_and_stops_after_the_hangover()
    {
        var frames = Enumerable.Repeat(Frame(0, 0), 20)
            .Concat(Enumerable.Repeat(Frame(4000, 220), 30))
            .Concat(Enumerable.Repeat(Frame(0, 0), 30));

        var events = Run(frames);

        Assert.Equal([(22, VoiceActivityTransition.SpeechStarted), (64, VoiceActivityTransition.SpeechStopped)], events);
    }

    [Fact]
    public void A_single_click_is_not_speech()
    {
        var frames = Enumerable.Repeat(Frame(0, 0), 10).Append(Frame(20000, 300)).Concat(Enumerable.Repeat(Frame(0, 0), 10));

        Assert.Empty(Run(frames));
    }

    [Fact]
    public void A_short_pause_between_words_does_not_end_speech()
    {
        var word = Enumerable.Repeat(Frame(3000, 180), 10);
        var pause = Enumerable.Repeat(Frame(0, 0), 8);

        var events = Run(word.Concat(pause).Concat(word));

        Assert.Equal([VoiceActivityTransition.SpeechStarted], events.Select(e => e.Transition));
    }

    [Fact]
    public void Loud_hiss_is_not_speech()
    {
        var random = new Random(1);
        var hiss = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 160).Select(_ => (short)random.Next(-6000, 6000)).ToArray());

        Assert.Empty(Run(hiss));
    }
}
