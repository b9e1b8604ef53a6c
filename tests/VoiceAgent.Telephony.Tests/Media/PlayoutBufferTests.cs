using VoiceAgent.Telephony.Media;

namespace VoiceAgent.Telephony.Tests.Media;

public sealed class PlayoutBufferTests
{
    [Fact]
    public async Task A_blocked_writer_refills_after_every_frame_so_the_reader_never_runs_dry()
    {
        var buffer = new PlayoutBuffer(8000);
        var writing = buffer.WriteAsync(new short[8000], CancellationToken.None).AsTask();
        var frame = new short[160];
        var underruns = 0;
        for (var i = 0; i < 45; i++)
        {
            if (!buffer.TryReadFrame(frame))
            {
                underruns++;
            }

            await Task.Delay(20);
        }

        Assert.Equal(0, underruns);
        await writing.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_flush_wakes_a_blocked_writer_and_its_cancelled_rest_never_reaches_the_queue()
    {
        var buffer = new PlayoutBuffer(8000);
        using var bargeIn = new CancellationTokenSource();
        var writing = buffer.WriteAsync(new short[8000], bargeIn.Token).AsTask();
        await Task.Delay(50);
        Assert.False(writing.IsCompleted); // held at the high-water mark

        var sentBefore = buffer.SentPosition;
        bargeIn.Cancel();
        buffer.Clear();
        var frame = new short[160];
        Assert.False(buffer.TryReadFrame(frame)); // the flush drops the queue: nothing left to send

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writing.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, buffer.Queued);
        Assert.Equal(sentBefore + buffer.HighWaterSamples, buffer.SentPosition);
    }

    [Fact]
    public async Task A_writer_that_goes_on_after_a_flush_is_woken_to_refill_the_empty_queue()
    {
        var buffer = new PlayoutBuffer(8000);
        var writing = buffer.WriteAsync(new short[8000], CancellationToken.None).AsTask();
        await Task.Delay(50);

        // (Whether the queue is empty right after Clear is not asserted here: the woken writer may
        // already be refilling it on another thread. The marks test checks Clear without a writer.)
        buffer.Clear();

        // Without a wake-up after the flush the writer would wait for space forever.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (buffer.Queued < buffer.HighWaterSamples && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(buffer.HighWaterSamples, buffer.Queued);
        Assert.False(writing.IsCompleted);
    }

    [Fact]
    public async Task Marks_complete_when_their_audio_is_sent_and_clear_cancels_them()
    {
        var buffer = new PlayoutBuffer(8000);
        var frame = new short[160];
        var start = buffer.MarkStart();
        await buffer.WriteAsync(new short[320], CancellationToken.None);
        var end = buffer.MarkEnd();

        Assert.False(start.IsCompleted);
        Assert.True(buffer.TryReadFrame(frame));
        Assert.True(start.IsCompleted);
        Assert.False(end.IsCompleted);
        Assert.True(buffer.TryReadFrame(frame));
        await end.WaitAsync(TimeSpan.FromSeconds(1));

        await buffer.WriteAsync(new short[320], CancellationToken.None);
        var pending = buffer.MarkEnd();
        buffer.Clear();
        Assert.False(buffer.TryReadFrame(frame));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_partial_last_frame_is_sent_padded_once_the_end_is_marked()
    {
        var buffer = new PlayoutBuffer(8000);
        var frame = new short[160];
        await buffer.WriteAsync(Enumerable.Repeat((short)1000, 100).ToArray(), CancellationToken.None);

        Assert.False(buffer.TryReadFrame(frame));
        _ = buffer.MarkEnd();
        Assert.True(buffer.TryReadFrame(frame));
        Assert.Equal(1000, frame[99]);
        Assert.Equal(0, frame[100]);
    }
}
