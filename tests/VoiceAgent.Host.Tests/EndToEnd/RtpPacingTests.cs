using VoiceAgent.Host.Tests.Infrastructure;

namespace VoiceAgent.Host.Tests.EndToEnd;

/// <summary>The host's RTP as tshark sees it on loopback during a real call.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RtpPacingTests
{
    [Fact]
    public async Task Packets_leave_every_20_ms_with_consecutive_sequence_numbers_and_timestamps()
    {
        var rtpPort = FreePorts.UdpRange(2).Min;
        await using var host = await RunningHost.StartAsync($"--Rtp:PortMin={rtpPort}", $"--Rtp:PortMax={rtpPort + 1}", "--Inbound:Greeting=Hello. This call is being paced by one shared media clock.");
        await using var capture = await RtpCapture.StartAsync(rtpPort);
        using var phone = new BaresipPhone();

        await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(6));
        await Task.Delay(300);
        var packets = capture.Packets;

        Assert.True(packets.Count > 150, $"only {packets.Count} RTP packets captured");
        Assert.Single(packets.Select(p => p.Ssrc).Distinct());
        Assert.All(packets, p => Assert.Equal(0, p.PayloadType));
        var gaps = new List<double>();
        for (var i = 1; i < packets.Count; i++)
        {
            var (previous, current) = (packets[i - 1], packets[i]);
            Assert.Equal((previous.Sequence + 1) % 65536, current.Sequence);
            var step = current.Timestamp - previous.Timestamp;
            if (current.Marker)
            {
                // A talkspurt may start early, within the 20 ms slot: its timestamp advances by the time elapsed.
                Assert.InRange(step, 1u, 160u);
            }
            else
            {
                Assert.Equal(160u, step);
                gaps.Add((current.Time - previous.Time) * 1000);
            }
        }

        gaps.Sort();
        var median = gaps[gaps.Count / 2];
        var within = gaps.Count(g => g is > 10 and < 30) / (double)gaps.Count;
        Assert.InRange(median, 17, 23);
        Assert.True(within > 0.9, $"only {within:P0} of packet gaps within 10-30 ms");
        // One utterance is one talkspurt: the stream never ran dry between its chunks. (On a loaded
        // machine tshark may start after the first packet, so the talkspurt's marker can be missed.)
        Assert.InRange(packets.Count(p => p.Marker), 0, 1);
    }

    [Fact]
    public async Task The_first_opus_call_after_start_is_paced_by_a_media_path_warmed_before_ready()
    {
        var rtpPort = FreePorts.UdpRange(2).Min;
        var data = Directory.CreateTempSubdirectory("voiceagent-firstcall-").FullName;
        try
        {
            // A host process of its own: its compiled code is as cold as a freshly started server's.
            await using var host = await HostProcess.StartAsync(Path.Combine(data, "calls.db"), $"--Rtp:PortMin={rtpPort}", $"--Rtp:PortMax={rtpPort + 1}");
            Assert.Contains("Media path warmed up with a synthetic call per codec (opus,G722,PCMU,PCMA)", host.Output, StringComparison.Ordinal);
            await using var capture = await RtpCapture.StartAsync(rtpPort);
            using var phone = new BaresipPhone("opus.so");

            await phone.CallAsync(host.Uri(), TimeSpan.FromSeconds(5));
            await Task.Delay(300);
            var packets = capture.Packets;

            Assert.True(packets.Count > 150, $"only {packets.Count} RTP packets captured");
            var gaps = new List<double>();
            for (var i = 1; i < packets.Count; i++)
            {
                gaps.Add((packets[i].Time - packets[i - 1].Time) * 1000);
            }

            // Loose sanity bounds (the figures come from bench firstcall): no stall of a first-call JIT or tier-up.
            var within = gaps.Count(g => g is > 10 and < 30) / (double)gaps.Count;
            Assert.True(within > 0.95, $"only {within:P0} of packet gaps within 10-30 ms");
            Assert.True(gaps.Max() < 100, $"a {gaps.Max():F0} ms gap");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
