using System.Text;
using VoiceAgent.Telephony.Sip.Transport;

namespace VoiceAgent.Telephony.Tests.Sip.Transport;

/// <summary>Framing SIP on a byte stream by Content-Length (RFC 3261 §18.3), fed the way TCP delivers: in arbitrary pieces.</summary>
public sealed class SipStreamFramerTests
{
    private const string Options = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1\r\nContent-Length: 5\r\n\r\nhello";
    private const string Bye = "BYE sip:a@127.0.0.1 SIP/2.0\r\nl: 0\r\n\r\n";

    private static List<(SipFrame Frame, string Text)> Feed(SipStreamFramer framer, string text, int pieceSize)
    {
        var frames = new List<(SipFrame, string)>();
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var offset = 0; offset < bytes.Length; offset += pieceSize)
        {
            var piece = bytes.AsSpan(offset, Math.Min(pieceSize, bytes.Length - offset));
            piece.CopyTo(framer.FreeSpace().Span);
            framer.Commit(piece.Length);
            SipFrame frame;
            while ((frame = framer.Next(out var message)) != SipFrame.Incomplete)
            {
                frames.Add((frame, Encoding.ASCII.GetString(message.Span)));
                if (frame is SipFrame.Oversized or SipFrame.NoContentLength)
                {
                    return frames;
                }
            }
        }

        return frames;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Messages_split_anyhow_and_pipelined_come_out_whole_with_pings_between(int pieceSize)
    {
        var frames = Feed(new SipStreamFramer(65_535), "\r\n" + Options + Bye + "\r\n\r\n" + Options, pieceSize);

        Assert.Equal([SipFrame.Message, SipFrame.Message, SipFrame.Ping, SipFrame.Message], frames.Select(f => f.Frame));
        Assert.Equal(Options, frames[0].Text);
        Assert.Equal(Bye, frames[1].Text); // the compact form "l" of Content-Length (§7.3.3)
        Assert.Equal(Options, frames[3].Text);
    }

    [Fact]
    public void A_message_without_content_length_cannot_be_framed()
        => Assert.Equal(SipFrame.NoContentLength, Feed(new SipStreamFramer(65_535), "BYE sip:a@h SIP/2.0\r\nCall-ID: x\r\n\r\n", 4096).Single().Frame);

    [Theory]
    [InlineData("Content-Length: 99999\r\n\r\n")]
    [InlineData("Content-Length: -1\r\n\r\n")]
    [InlineData("X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_message_over_the_limit_or_with_a_bad_length_is_refused_before_it_is_buffered(string headers)
    {
        var frames = Feed(new SipStreamFramer(128), "INVITE sip:a@h SIP/2.0\r\n" + headers, 16);

        Assert.Contains(frames.Single().Frame, new[] { SipFrame.Oversized, SipFrame.NoContentLength });
    }
}
