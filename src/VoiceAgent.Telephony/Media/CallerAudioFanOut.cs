using System.Threading.Channels;

namespace VoiceAgent.Telephony.Media;

/// <summary>
/// Hands a call's decoded caller audio to its subscribers (an application's socket, a speech
/// recognizer): one bounded queue each, so a slow subscriber loses its own oldest frames, never the
/// call's. Written from the stream's receive thread; subscribed and completed from others.
/// </summary>
internal sealed class CallerAudioFanOut
{
    private readonly List<Channel<ReadOnlyMemory<short>>> _subscribers = [];

    public ChannelReader<ReadOnlyMemory<short>> Subscribe(int capacityFrames)
    {
        // capacityFrames, DropOldest (counted), one writer (the receive thread): the newest audio is what a recognizer needs.
        var channel = Channel.CreateBounded<ReadOnlyMemory<short>>(new BoundedChannelOptions(capacityFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ => RtpStreamDrops.CallerAudio.Add(1));
        lock (_subscribers)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    /// <summary>One decoded frame; each subscriber gets its own copy, as it reads at its own pace.</summary>
    public void Publish(ReadOnlySpan<short> frame)
    {
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(frame.ToArray());
            }
        }
    }

    public void Complete()
    {
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }
    }
}
