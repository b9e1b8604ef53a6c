using System.Text.Json;
using VoiceAgent.Host.Applications.Streams;
using VoiceAgent.Telephony.Codecs;

namespace VoiceAgent.Host.Tests.Applications.Streams;

/// <summary>The per-frame framing of the two streaming paths: what it writes, and that it allocates nothing per frame.</summary>
public sealed class StreamFramingTests
{
    private const string StreamSid = "MZ0123456789abcdef0123456789abcdef";
    private const int Frames = 5000;

    [Fact]
    public void A_twilio_media_event_is_the_json_twilio_sends()
    {
        byte[] mulaw = [0xFF, 0x7F, 0x00, 0x10, 0x20];
        var buffer = new byte[TwilioMediaMessage.MaxLength(mulaw.Length, StreamSid)];

        var length = TwilioMediaMessage.Write(buffer, StreamSid, sequenceNumber: 7, chunk: 5, timestampMs: 100, mulaw);

        using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
        var root = json.RootElement;
        Assert.Equal("media", root.GetProperty("event").GetString());
        Assert.Equal("7", root.GetProperty("sequenceNumber").GetString());
        Assert.Equal(StreamSid, root.GetProperty("streamSid").GetString());
        var media = root.GetProperty("media");
        Assert.Equal("inbound", media.GetProperty("track").GetString());
        Assert.Equal("5", media.GetProperty("chunk").GetString());
        Assert.Equal("100", media.GetProperty("timestamp").GetString());
        Assert.Equal(mulaw, media.GetProperty("payload").GetBytesFromBase64());
    }

    [Fact]
    public void Framing_a_twilio_media_event_allocates_nothing_per_frame()
    {
        var pcm = new short[160];
        var mulaw = new byte[160];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(i * 97);
        }

        FrameTwilio(pcm, mulaw, 0); // the pool's first rent of this size, and the JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var frame = 1; frame <= Frames; frame++)
        {
            FrameTwilio(pcm, mulaw, frame);
        }

        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Frames;
        Assert.True(perFrame < 1, $"{perFrame:F1} bytes allocated per frame");
    }

    [Fact]
    public void Framing_a_websocket_audio_frame_allocates_nothing_per_frame()
    {
        var pcm = new short[320];
        var bytes = new byte[pcm.Length * 2];
        pcm[1] = -2;
        Assert.Equal(640, CallStreamSession.WriteLittleEndian(pcm, bytes));
        Assert.Equal([0, 0, 0xFE, 0xFF], bytes[..4]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var frame = 0; frame < Frames; frame++)
        {
            CallStreamSession.WriteLittleEndian(pcm, bytes);
        }

        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Frames;
        Assert.True(perFrame < 1, $"{perFrame:F1} bytes allocated per frame");
    }

    /// <summary>What TwilioMediaStream does per frame of caller audio: encode, frame into a pooled buffer, and (the send loop) return it.</summary>
    private static void FrameTwilio(short[] pcm, byte[] mulaw, int frame)
    {
        G711MuLawCodec.Instance.Encode(pcm, mulaw);
        var message = TwilioMediaMessage.Rent(StreamSid, frame + 2, frame, frame * 20L, mulaw);
        message.Return();
    }
}
