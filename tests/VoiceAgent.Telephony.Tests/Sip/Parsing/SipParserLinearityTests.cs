using System.Diagnostics;
using System.Text;
using VoiceAgent.Telephony.Sip.Parsing;

namespace VoiceAgent.Telephony.Tests.Sip.Parsing;

/// <summary>Parser work grows linearly with the message: the hostile shapes cost about twice as much at twice the size.</summary>
public sealed class SipParserLinearityTests
{
    private const string Head =
        "OPTIONS sip:bot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5094;branch=z9hG4bKlin\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n" +
        "To: <sip:bot@127.0.0.1>\r\nCall-ID: lin\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";

    /// <summary>The shapes of a hostile datagram of about <paramref name="size"/> bytes.</summary>
    public static string Hostile(string shape, int size)
    {
        var builder = new StringBuilder(Head);
        switch (shape)
        {
            case "folded":
                builder.Append("Subject: x\r\n");
                while (builder.Length < size)
                {
                    builder.Append(" y\r\n"); // RFC 3261 §7.3.1 continuation lines, all joined to one header
                }

                break;
            case "commas":
                builder.Append("Contact: <sip:c@127.0.0.1>");
                while (builder.Length < size)
                {
                    builder.Append(",<sip:c@127.0.0.1>"); // one header line of many values
                }

                builder.Append("\r\n");
                break;
            case "vias":
                builder.Append("Via: SIP/2.0/UDP 127.0.0.2");
                while (builder.Length < size)
                {
                    builder.Append(",SIP/2.0/UDP 127.0.0.2");
                }

                builder.Append("\r\n");
                break;
            case "headers":
                while (builder.Length < size)
                {
                    builder.Append("X: y\r\n");
                }

                break;
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    [Theory]
    [InlineData("folded")]
    [InlineData("commas")]
    [InlineData("vias")]
    [InlineData("headers")]
    public void Parser_work_doubles_when_the_hostile_message_doubles(string shape)
    {
        // Allocation is the deterministic measure of the work: the quadratic unfolding and value
        // splitting copied the rest of the header once per line or value (O(n^2) bytes).
        var half = Encoding.UTF8.GetBytes(Hostile(shape, 30_000));
        var full = Encoding.UTF8.GetBytes(Hostile(shape, 60_000));
        Allocated(half);
        Allocated(full);

        var halfBytes = Allocated(half);
        var fullBytes = Allocated(full);

        Assert.True(fullBytes < 2.5 * halfBytes, $"{shape}: 60 KB allocated {fullBytes:N0} bytes, 30 KB {halfBytes:N0} (x{(double)fullBytes / halfBytes:F1}); linear is x2");
        Assert.True(fullBytes < 60 * full.Length, $"{shape}: 60 KB allocated {fullBytes:N0} bytes ({(double)fullBytes / full.Length:F0} per byte)");
    }

    [Fact]
    public void The_worst_hostile_message_parses_in_milliseconds()
    {
        var worst = new[] { "folded", "commas", "vias", "headers" }.Select(s => Encoding.UTF8.GetBytes(Hostile(s, 60_000))).ToList();
        foreach (var message in worst)
        {
            SipMessageParser.TryParse(message, out _, out _);
        }

        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var message in worst)
            {
                SipMessageParser.TryParse(message, out _, out _);
            }

            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds / worst.Count);
        }

        // Loose sanity bound on a shared machine (the old unfolding alone took 58 ms for 60 KB of continuation lines).
        var median = times.Order().ElementAt(times.Count / 2);
        Assert.True(median < 40, $"a 60 KB hostile message took {median:F1} ms to parse");
    }

    private static long Allocated(byte[] message)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        SipMessageParser.TryParse(message, out _, out _);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
