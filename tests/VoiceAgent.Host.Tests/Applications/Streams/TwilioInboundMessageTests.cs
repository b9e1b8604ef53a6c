using System.Buffers;
using System.Text;
using VoiceAgent.Host.Applications.Streams;

namespace VoiceAgent.Host.Tests.Applications.Streams;

public sealed class TwilioInboundMessageTests
{
    private const int Messages = 5000;

    [Fact]
    public void A_media_event_yields_its_decoded_payload_whatever_the_property_order()
    {
        byte[] mulaw = [0xFF, 0x7F, 0x00, 0x10, 0x20, 0xFE];
        var base64 = Convert.ToBase64String(mulaw);
        string[] messages =
        [
            $$$"""{"event":"media","streamSid":"MZ1","media":{"payload":"{{{base64}}}"}}""",
            $$$"""{"media":{"track":"outbound","payload":"{{{base64}}}","extra":{"a":[1,2]}},"streamSid":"MZ1","event":"media"}""",
            $$$"""{"event":"media","media":{"payload":"{{{base64.Replace("/", "\\/", StringComparison.Ordinal)}}}"}}""",
        ];

        foreach (var message in messages)
        {
            Assert.True(TwilioInboundMessage.TryRead(Encoding.UTF8.GetBytes(message), out var kind, out var payload, out var length, out _, out var error), error);
            Assert.Equal(TwilioInboundEvent.Media, kind);
            Assert.Equal(mulaw, payload.AsSpan(0, length).ToArray());
            ArrayPool<byte>.Shared.Return(payload!);
        }
    }

    [Theory]
    [InlineData("""{"event":"mark","streamSid":"MZ1","mark":{"name":"greeting-done"}}""", "Mark", "greeting-done")]
    [InlineData("""{"event":"clear","streamSid":"MZ1"}""", "Clear", null)]
    [InlineData("""{"event":{"nested":"object"},"media":{"payload":"AAAA"}}""", "Other", null)]
    [InlineData("""{"event":"start","start":{"tracks":["inbound"]}}""", "Other", null)]
    public void Marks_clears_and_other_events_are_told_apart(string message, string expected, string? mark)
    {
        Assert.True(TwilioInboundMessage.TryRead(Encoding.UTF8.GetBytes(message), out var kind, out var payload, out _, out var name, out _));

        Assert.Equal(expected, kind.ToString());
        Assert.Equal(mark, name);
        Assert.Null(payload);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"event":"media","media":{"payload":"***"}}""")]
    [InlineData("""{"event":"media","media":{"payload":42}}""")]
    [InlineData("""{"event":"media"}""")]
    [InlineData("""{"event":"media","media":{"payload":"AAAA"}""")]
    [InlineData("[1,2,3]")]
    public void A_malformed_message_is_refused_with_a_reason(string message)
    {
        Assert.False(TwilioInboundMessage.TryRead(Encoding.UTF8.GetBytes(message), out _, out var payload, out _, out _, out var error));

        Assert.Null(payload);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Reading_a_media_event_allocates_nothing_per_message()
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"event":"media","sequenceNumber":"3","media":{"track":"outbound","chunk":"1","timestamp":"5","payload":"{{{Convert.ToBase64String(new byte[160])}}}"},"streamSid":"MZ1"}""");
        Read(json); // the pool's first rent of this size, and the JIT

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var message = 0; message < Messages; message++)
        {
            Read(json);
        }

        var perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Messages;
        Assert.True(perMessage < 1, $"{perMessage:F1} bytes allocated per message");
    }

    private static void Read(byte[] json)
    {
        Assert.True(TwilioInboundMessage.TryRead(json, out _, out var payload, out _, out _, out _));
        ArrayPool<byte>.Shared.Return(payload!);
    }
}
