using System.Buffers;
using VoiceAgent.Host.Applications.Streams;
using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Host.Tests.Applications.Streams;

public sealed class StreamPlaybackTests
{
    [Fact]
    public async Task An_application_sending_far_ahead_is_held_to_two_minutes_of_queued_audio_and_its_marks_still_come_back()
    {
        // No media clock drains this buffer: the playback writer blocks after 100 ms, as behind a stalled call.
        var playout = new PlayoutBuffer(8000);
        var marks = new List<string>();
        var fullReports = 0;
        await using var playback = new StreamPlayback(playout, name => { lock (marks) { marks.Add(name); } }, () => fullReports++);

        // Five minutes of 20 ms μ-law messages, sent at once.
        for (var message = 0; message < 5 * 60 * 50; message++)
        {
            var rented = ArrayPool<byte>.Shared.Rent(160);
            playback.EnqueueMuLaw(rented, 160);
        }

        playback.EnqueueMark("after-five-minutes");

        Assert.InRange(playback.QueuedBytes, StreamPlayback.MaxQueuedBytes - 2000, StreamPlayback.MaxQueuedBytes);
        Assert.Equal(1, fullReports);

        playback.Clear();
        Assert.Equal(0, playback.QueuedBytes);
        lock (marks)
        {
            Assert.Equal(["after-five-minutes"], marks); // a mark takes no audio room: it waited behind the audio, and the clear echoes it
        }
    }
}
