using System.Diagnostics.Metrics;
using VoiceAgent.Host.Applications.Streams;

namespace VoiceAgent.Host.Tests.Applications.Streams;

public sealed class WebSocketSendQueueTests
{
    private const string StreamSid = "MZ0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task A_socket_that_stops_reading_loses_media_frames_counted_and_is_aborted_when_an_event_does_not_fit()
    {
        var socket = new StalledSocket();
        var firstDrops = 0;
        var queue = new WebSocketSendQueue(socket, () => firstDrops++);
        long counted = 0;
        using var listener = CountDrops("voiceagent.stream.media.dropped", value => Interlocked.Add(ref counted, value));
        var sending = queue.RunAsync();
        var mulaw = new byte[160];

        // A minute of caller audio at 50 frames a second into a socket that never finishes the first send.
        queue.Enqueue(TwilioMediaMessage.Rent(StreamSid, 0, 0, 0, mulaw));
        for (var wait = 0; wait < 500 && socket.Sends == 0; wait++)
        {
            await Task.Delay(10);
        }

        for (var frame = 1; frame < 3000; frame++)
        {
            queue.Enqueue(TwilioMediaMessage.Rent(StreamSid, frame, frame, frame * 20L, mulaw));
        }

        // One frame is in the stalled send, Capacity wait behind it; the rest were dropped, not queued.
        Assert.Equal(1, socket.Sends);
        Assert.Equal(3000 - WebSocketSendQueue.Capacity - 1, queue.Dropped);
        Assert.Equal(queue.Dropped, Interlocked.Read(ref counted));
        Assert.Equal(1, firstDrops);
        Assert.False(queue.Aborted);

        // An event (a mark echo, a digit, stop) must not be lost silently: the stalled connection goes.
        queue.Enqueue(PooledMessage.FromText("""{"event":"mark","mark":{"name":"m1"}}"""));

        Assert.True(queue.Aborted);
        await socket.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<Exception>(() => sending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Frames_queued_after_completion_are_neither_sent_nor_counted_as_drops()
    {
        var socket = new StalledSocket();
        var queue = new WebSocketSendQueue(socket, () => { });
        queue.Complete();
        await queue.RunAsync().WaitAsync(TimeSpan.FromSeconds(5));

        queue.Enqueue(TwilioMediaMessage.Rent(StreamSid, 1, 1, 20, new byte[160]));
        queue.Enqueue(PooledMessage.FromText("""{"event":"stop"}"""));

        Assert.Equal(0, socket.Sends);
        Assert.Equal(0, queue.Dropped);
        Assert.False(queue.Aborted);
    }

    private static MeterListener CountDrops(string instrument, Action<long> onDrop)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == HostMetrics.MeterName && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => onDrop(value));
        listener.Start();
        return listener;
    }
}
